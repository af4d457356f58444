# Build
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /evalbot ./cmd/evalbot

# Run as a non-root user; migrations and locales are embedded in the binary.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /evalbot /evalbot
USER nonroot:nonroot
# /healthz, /readyz and /metrics (EVALBOT_OPS_ADDR); the webhook listens on EVALBOT_LISTEN.
EXPOSE 9090 8080
HEALTHCHECK --interval=30s --timeout=6s --start-period=20s --retries=3 CMD ["/evalbot", "health"]
ENTRYPOINT ["/evalbot"]
CMD ["serve"]
