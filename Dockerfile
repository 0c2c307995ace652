# tscp-bot as a container: the production lock only (every package hash-checked), run as a
# non-root user, data in a volume, configuration in a mounted file, secrets in the environment.
#   docker build -t tscp-bot .
#   docker run -d --name tscp-bot --restart unless-stopped \
#       -v tscp-bot-data:/var/lib/tscp-bot \
#       -v /etc/tscp-bot/config.toml:/etc/tscp-bot/config.toml:ro \
#       --env-file /etc/tscp-bot/secrets.env tscp-bot
# The config's paths must be absolute under /var/lib/tscp-bot (the only writable place).
# scripts/container-smoke builds this image and checks --version, status and doctor in it.

ARG PYTHON=python:3.11-slim-bookworm

FROM ${PYTHON} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# Dependencies first, so a change to the code alone reuses this layer. The wheel is built with
# the development lock's setuptools, hash-checked as well; only this stage has it.
COPY requirements.lock requirements-dev.lock ./
RUN python -m venv /opt/tscp-bot \
    && /opt/tscp-bot/bin/pip install --require-hashes -r requirements.lock \
    && sed -n '/^setuptools==/,/^    # via/p' requirements-dev.lock > build.lock \
    && python -m venv /opt/build \
    && /opt/build/bin/pip install --require-hashes -r build.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
RUN /opt/build/bin/pip wheel --no-deps --no-build-isolation -w /dist . \
    && /opt/tscp-bot/bin/pip install --no-deps /dist/tscp_bot-*.whl

FROM ${PYTHON}
ENV PATH=/opt/tscp-bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TSCP_BOT_CONFIG=/etc/tscp-bot/config.toml
# A fixed uid/gid so the owner of the data volume is the same after every rebuild.
RUN groupadd --system --gid 10001 tscp-bot \
    && useradd --system --uid 10001 --gid tscp-bot --home-dir /var/lib/tscp-bot \
        --no-create-home --shell /usr/sbin/nologin tscp-bot \
    && install -d -o tscp-bot -g tscp-bot -m 0700 /var/lib/tscp-bot \
    && install -d -m 0755 /etc/tscp-bot
COPY --from=build /opt/tscp-bot /opt/tscp-bot
COPY LICENSE /usr/share/doc/tscp-bot/LICENSE
USER tscp-bot
WORKDIR /var/lib/tscp-bot
VOLUME ["/var/lib/tscp-bot"]
ENTRYPOINT ["tscp-bot"]
CMD ["run"]
