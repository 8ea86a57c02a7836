import redis
from flask import (
    Blueprint, current_app, flash, g, redirect, render_template, request, url_for
)

from flaskr.db import get_db

bp = Blueprint('blog', __name__)


def get_redis():
    if 'redis' not in g:
        g.redis = redis.Redis.from_url(current_app.config['REDIS_URL'])
    return g.redis


@bp.route('/')
def index():
    views = get_redis().incr('blog:views')
    posts = get_db().execute(
        'SELECT id, title, body, created FROM post ORDER BY created DESC'
    ).fetchall()
    return render_template('blog/index.html', posts=posts, views=views)


@bp.route('/create', methods=('GET', 'POST'))
def create():
    if request.method == 'POST':
        title = request.form['title']
        body = request.form['body']
        error = None

        if not title:
            error = 'Title is required.'

        if error is not None:
            flash(error)
        else:
            db = get_db()
            db.execute(
                'INSERT INTO post (title, body) VALUES (%s, %s)',
                (title, body)
            )
            db.commit()
            return redirect(url_for('blog.index'))

    return render_template('blog/create.html')
