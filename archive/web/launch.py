"""`python -m archive.web.launch serve ...`: Datasette's own command line, with this plugin.

The plugin normally arrives through the `datasette` entry point of the installed uninews; the
launcher registers it itself when it did not (a checkout run without reinstalling), so
`uninews serve` always has the web view.
"""

from __future__ import annotations


def main() -> None:
    from datasette.cli import cli
    from datasette.plugins import pm

    import archive.web as plugin

    if not pm.is_registered(plugin):
        pm.register(plugin, "uninews")
    cli()


if __name__ == "__main__":
    main()
