# shellcheck shell=bash
# The wheelhouse of the previous MLflow minor release, which the mlflow scenario upgrades from:
# the current recipe with another version.
# shellcheck source=tests/harness/mirror/components/mlflow.sh
. "$(dirname "${BASH_SOURCE[0]}")/mlflow.sh"
# shellcheck disable=SC2034 # read by build.sh
COMPONENT=mlflow
upgrade_vars="$(dirname "${BASH_SOURCE[0]}")/../../../../molecule/mlflow/vars/upgrade.yml"
VERSION="$(yaml_value "$upgrade_vars" mlflow_upgrade_from_version)"
# shellcheck disable=SC2034 # read by build.sh
INPUTS="$INPUTS $upgrade_vars $(dirname "${BASH_SOURCE[0]}")/mlflow.sh"
