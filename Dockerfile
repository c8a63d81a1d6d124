FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Static files are collected into the image and served by WhiteNoise from gunicorn.
RUN DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=collectstatic-only \
    ALLOWED_HOSTS=localhost DATABASE_URL=postgres://collectstatic@localhost/none REDIS_URL=redis://localhost \
    python manage.py collectstatic --noinput
RUN useradd --system --home /app app && mkdir -p /app/media && chown app /app/media
USER app
ENV DJANGO_SETTINGS_MODULE=config.settings.production
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
