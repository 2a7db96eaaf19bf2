from polycentric.cli.main import run

run()
