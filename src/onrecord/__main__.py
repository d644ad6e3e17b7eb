from onrecord.serve.cli import main

main()
