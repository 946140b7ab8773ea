from techlead.launch import run

run()
