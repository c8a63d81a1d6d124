FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint (the subsidy report's PDF) needs Pango; the PDF's CJK font is Noto Sans CJK SC,
# found by fontconfig (scripts/services.sh installs the same on a development machine).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/* \
 && fc-list :lang=zh family | grep -q "Noto Sans CJK SC"
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Static files are collected into the image and served by WhiteNoise from gunicorn.
RUN DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=collectstatic-only \
    ALLOWED_HOSTS=localhost DATABASE_URL=postgres://collectstatic@localhost/none REDIS_URL=redis://localhost \
    python manage.py collectstatic --noinput
# Generated reports live outside MEDIA_ROOT (REPORTS_ROOT), on a volume the web and the
# worker share; they are served only by the authorised download view.
RUN useradd --system --home /app app && mkdir -p /app/media /app/var/reports && chown app /app/media /app/var/reports
USER app
ENV DJANGO_SETTINGS_MODULE=config.settings.production
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
