FROM python:3.12-slim

# PYTHONPATH: import the project from /app, where templates/ and static/ sit beside the code.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app
COPY . .
RUN pip install .
# Settings refuse to load without a key when DEBUG is off; collectstatic signs nothing.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --no-create-home planner

USER planner
# Static files are collected and served from STATIC_ROOT, not looked up in the sources.
ENV WHITENOISE_USE_FINDERS=false
EXPOSE 8000
# Workers, timeouts, worker recycling and logging: gunicorn.conf.py.
CMD ["gunicorn", "enablement.wsgi", "--config", "gunicorn.conf.py"]
