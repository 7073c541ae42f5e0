"""`python -m casus`: the same as the `casus` command."""

from casus.cli.fast import main

if __name__ == "__main__":
    main()
