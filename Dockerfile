# The dashboard and REST API in one image: `docker build -t lcad . && docker run -p 8050:8050 lcad`.
# Settings come from the environment as on a PaaS (PORT, WEB_CONCURRENCY, SECRET_KEY, REDIS_URL, ...).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8050 \
    NUMBA_CACHE_DIR=/app/data/cache/numba

WORKDIR /app

# Dependencies first, so code changes reuse this layer.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY core/ core/
COPY dashapp/ dashapp/
COPY assets/ assets/
COPY data/real/ data/real/
COPY gunicorn.conf.py Procfile ./

# The gallery's synthetic samples are made here, not at the first visit, and the BLS kernel is
# compiled into NUMBA_CACHE_DIR (the app user cannot write next to the code); the app runs as a
# user that owns only data/ (cache, uploads, models are written there at run time).
RUN python -m core samples --format both --n-samples 5 --out data/samples \
    && python -c "from core.detect.box_kernel import warm_up; warm_up()" \
    && useradd --create-home --uid 10001 app \
    && mkdir -p data/cache data/uploads data/models \
    && chown -R app:app data

USER app
EXPOSE 8050
CMD ["gunicorn", "-c", "gunicorn.conf.py", "dashapp.app:server"]
