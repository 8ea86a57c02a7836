import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from app import db
from app.main import bp
from app.models import Post


@bp.route('/', methods=['GET', 'POST'])
@bp.route('/index', methods=['GET', 'POST'])
def index():
    if request.method == 'POST':
        body = request.form.get('post', '').strip()
        if body:
            db.session.add(Post(body=body))
            db.session.commit()
            flash('Your post is now live!')
        return redirect(url_for('main.index'))
    hits = current_app.redis.incr('hits')
    posts = db.session.scalars(sa.select(Post).order_by(Post.timestamp.desc()).limit(
        current_app.config['POSTS_PER_PAGE'])).all()
    return render_template('index.html', title='Home', posts=posts, hits=hits)


@bp.route('/archive/<int:post_id>', methods=['POST'])
def archive(post_id):
    post = db.first_or_404(sa.select(Post).where(Post.id == post_id))
    current_app.task_queue.enqueue('app.tasks.archive_post', post.id)
    flash('Archiving the post in the background.')
    return redirect(url_for('main.index'))
