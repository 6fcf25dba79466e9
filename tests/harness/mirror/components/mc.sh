# shellcheck shell=bash
# The MinIO client `mc`, built with `go install` from its pinned source.
VERSION="$(role_default minio minio_client_version)"

build_artifacts() {
  go_install "github.com/minio/mc@v$VERSION" github.com/minio/mc "$1"
}
