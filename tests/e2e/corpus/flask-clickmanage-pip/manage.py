import click
from flask.cli import FlaskGroup

from bookshelf import create_app

cli = FlaskGroup(create_app=create_app)


@cli.command("seed")
def seed():
    """Add a few books to an empty shelf."""
    from bookshelf import db
    from bookshelf.models import Book

    for title in ("Dune", "Middlemarch", "The Left Hand of Darkness"):
        db.session.add(Book(title=title))
    db.session.commit()
    click.echo("seeded")


if __name__ == "__main__":
    cli()
