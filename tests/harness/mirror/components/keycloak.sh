# shellcheck shell=bash
# The Keycloak server distribution, the same keycloak-<version>.zip upstream releases, as Maven
# Central publishes it (org.keycloak:keycloak-quarkus-dist, type zip).
VERSION="$(role_default keycloak keycloak_version)"

build_artifacts() {
  need_command mvn "apt-get install maven"
  mvn --batch-mode --quiet dependency:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:zip" -DoutputDirectory="$1"
  mv "$1/keycloak-quarkus-dist-$VERSION.zip" "$1/keycloak-$VERSION.zip"
}
