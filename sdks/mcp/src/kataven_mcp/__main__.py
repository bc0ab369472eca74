from kataven_mcp.cli import main

main()
