from taskduty.cli import main

main()
