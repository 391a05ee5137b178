"""The core's Alembic environment and revisions (`versions/`); every plugin's branch joins it.

The folder sits at the top of the repository, as the layout wants, and installs as the import
package `intranet_core_migrations` (setup.py maps it), so that a wheel installed anywhere can run
`intranet init`.
"""
