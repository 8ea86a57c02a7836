from datetime import datetime, timezone
from app import create_app, db
from app.models import Post

app = create_app()
app.app_context().push()


def archive_post(post_id):
    post = db.session.get(Post, post_id)
    post.archived_at = datetime.now(timezone.utc)
    db.session.commit()
