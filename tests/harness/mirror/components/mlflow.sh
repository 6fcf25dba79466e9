# shellcheck shell=bash
# The wheelhouse of the pinned MLflow release: every wheel the mlflow role installs, for the
# Python of each supported Debian, with the find-links page the role reads.
VERSION="$(role_default mlflow mlflow_version)"
# shellcheck disable=SC2034 # read by build.sh
INPUTS="$(role_defaults_file mlflow)"

build_artifacts() {
  local packages
  mapfile -t packages < <(role_default_list mlflow mlflow_pip_packages)
  pip_wheelhouse "$1" "mlflow[auth]==$VERSION" \
    "mlflow-oidc-auth==$(role_default mlflow mlflow_oidc_auth_version)" "${packages[@]}"
}
