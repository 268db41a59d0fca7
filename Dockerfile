# One image for every Docket executable (docket-api, the workers, docketctl);
# docker-compose.yml picks the command. The Swift runtime is linked
# statically, so the runtime image holds only the C libraries.
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        libhiredis-dev libpq-dev libpoppler-glib-dev libcairo2-dev libturbojpeg0-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
COPY workers workers
COPY Tests/DocketTesting Tests/DocketTesting
RUN swift build -c release --static-swift-stdlib \
        --product docket-api --product docketctl --product docket-pdf-sandbox \
        --product pdf-info-worker --product thumbnail-worker --product file-delete-worker --product quota-worker --product sweeper \
    && mkdir /out && cd "$(swift build -c release --show-bin-path)" \
    && cp docket-api docketctl docket-pdf-sandbox pdf-info-worker thumbnail-worker file-delete-worker quota-worker sweeper /out/ \
    && cp -r Docket_DocketSchema.resources Docket_DocketAPI.resources /out/ 2>/dev/null || true

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        libhiredis0.14 libpq5 libpoppler-glib8 libcairo2 libturbojpeg0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /var/lib/docket docket \
    && mkdir -p /var/lib/docket/blobs && chown -R docket /var/lib/docket
COPY --from=build /out/ /usr/local/bin/
USER docket
ENV DOCKET_DATA_DIR=/var/lib/docket DOCKET_BLOB_DIR=/var/lib/docket/blobs
CMD ["docket-api"]
