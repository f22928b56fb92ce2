from seen.cli import main

main()
