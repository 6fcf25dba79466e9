"""Stands in for the pip bootstrap script that `ansible-test --venv` downloads from a site the
test machines cannot reach. Called as `python pip_bootstrap.py <pip install options> pip==X`, it
seeds pip from the interpreter's own ensurepip and then installs the requested pip from the
package index like any other package.
"""

import ensurepip
import os
import subprocess
import sys

# Options only get-pip.py knows; pip itself would reject them.
GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}

if __name__ == "__main__":
    # ensurepip blanks pip's configuration (index, certificates) in os.environ; keep the caller's.
    environment = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    options = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", *options], env=environment))
