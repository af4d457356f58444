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
ENTRYPOINT ["/evalbot"]
CMD ["serve"]
