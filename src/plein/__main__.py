from plein.cli import main

main()
