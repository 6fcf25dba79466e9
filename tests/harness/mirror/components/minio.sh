# shellcheck shell=bash
# The MinIO server, built with `go install` from its pinned source (MinIO publishes no binaries).
VERSION="$(role_default minio minio_version)"

build_artifacts() {
  go_install "github.com/minio/minio@v$VERSION" github.com/minio/minio "$1"
}
