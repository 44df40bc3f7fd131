"""The tsrnn console entry point."""

import subprocess
import sys

import tsrnn
from tsrnn.__main__ import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"tsrnn {tsrnn.__version__}"


def test_info_reports_torch_and_device(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "threads" in out and "cuda" in out


def test_no_command_prints_usage_and_fails(capsys):
    assert main([]) == 2
    assert "usage: tsrnn" in capsys.readouterr().out


def test_python_dash_m_runs():
    done = subprocess.run(
        [sys.executable, "-m", "tsrnn", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == f"tsrnn {tsrnn.__version__}"
