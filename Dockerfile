# Coachbot in HTTP mode: `docker build -t coachbot .`, then see compose.yaml and docs/operations.md.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY jobs jobs
COPY content content
# The wheel of Coachbot and of everything it needs; the final image installs only these.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 coachbot
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index /wheels/*.whl && rm -rf /wheels
USER coachbot
WORKDIR /home/coachbot
ENV PORT=3000 PYTHONUNBUFFERED=1 COACHBOT_LOG_FORMAT=json
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
CMD ["coachbot", "serve", "--host", "0.0.0.0"]
