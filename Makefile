# Development and test entry points. `make test` is the one command CI runs.
#   make test                         everything: lint, sanity, unit tests, every molecule scenario
#                                     (each on the distros of its plan, see docs/development.md)
#   make molecule SCENARIO=pki        one scenario (on every distro in DISTRO)
#   make molecule DISTRO=12           the scenarios planned for Debian 12, on Debian 12 only
#   make demo                         the whole stack in one local container (docs/quickstart.md)
#   make demo-down                    remove the demo
#   make docs                         regenerate the role READMEs' variable tables and docs/reference/
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV := .venv
BIN := $(VENV)/bin
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections
export PATH := $(CURDIR)/$(BIN):$(PATH)

SCENARIO ?=
DISTRO ?= 13 12

.PHONY: test venv lint sanity unit molecule collection docs demo demo-down clean

# lint and sanity run side by side, each one's output printed whole when it ends.
test: venv
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target lint sanity
	$(MAKE) --no-print-directory unit molecule
	@echo "make test: all checks passed"

venv:
	@bash tests/harness/setup-venv.sh

lint: venv
	yamllint --strict .
	ansible-lint

sanity: venv
	bash tests/harness/sanity.sh

# The module and role tests run the MinIO server, mc, an MLflow server, oauth2-proxy, Traefik,
# promtool, amtool and blackbox_exporter from the artifact mirror.
# The GPU exporter's Go tests need Go (as the mirror's Go builds do).
# Both kinds run two at a time: the module and role tests a file per worker (the servers of a
# file start once), the bad-input tests (each an ansible-playbook run against this machine, in
# check mode, in a directory of its own) one test at a time.
unit: venv
	bash tests/harness/mirror/build.sh minio mc mlflow oauth2_proxy traefik prometheus alertmanager blackbox_exporter
	pytest -n 2 --dist loadfile tests/unit --ignore-glob='tests/unit/roles/test_bad_input_*.py'
	pytest -n 2 tests/unit/roles/test_bad_input_*.py
	cd exporters/gpu_exporter && go test ./...

molecule: venv
	bash tests/harness/molecule.sh $(addprefix -s ,$(SCENARIO)) $(addprefix -d ,$(DISTRO))

# The generated documentation: both writers read the roles' meta/argument_specs.yml and
# defaults; tests/unit/test_role_readmes.py and test_role_reference.py fail when it is stale.
docs: venv
	python tests/harness/role_readme.py --write
	python tests/harness/role_reference.py --write

demo: venv
	bash scripts/demo.sh up

demo-down:
	bash scripts/demo.sh down

clean:
	rm -rf build .collections
