from techlead.cli import run

run()
