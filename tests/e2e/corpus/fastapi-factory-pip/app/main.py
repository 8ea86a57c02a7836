from app.core.factory import get_application

app = get_application()
