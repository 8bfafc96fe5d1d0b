# Download the wheels that the GPU machine's image lacks into .whl/ (git-ignored
# via .git/info/exclude), so that benchmarks/gpu_check.sh can install them there
# without a network. Run once here, then carry ".whl" with the device call.
#
#     bash benchmarks/fetch_gpu_wheels.sh            # needs the package registry
#
# The image has torch, torchvision, numpy, scipy, scikit-learn, pandas, matplotlib,
# tqdm, pygments and pytest (python 3.12); these are what gantutor needs besides.
set -eu
PY=${PYTHON:-python3}
grep -qx "/.whl/" .git/info/exclude 2>/dev/null || { mkdir -p .git/info; echo "/.whl/" >> .git/info/exclude; }
"$PY" -m pip download -q --no-deps --only-binary=:all: -d .whl \
    --python-version 3.12 --implementation cp --platform manylinux_2_28_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform any \
    ipywidgets==8.1.9 widgetsnbextension==4.0.16 jupyterlab_widgets==3.0.17 \
    comm==0.2.3 traitlets==5.16.1 ipython==9.18.1 ipython_pygments_lexers==1.1.1 \
    jedi==0.20.1 parso==0.8.7 matplotlib-inline==0.2.2 pexpect==4.9.0 \
    ptyprocess==0.7.0 prompt_toolkit==3.0.53 wcwidth==0.9.4 stack-data==0.6.3 \
    asttokens==3.0.2 executing==2.3.0 pure_eval==0.2.4 \
    mlxtend==0.25.0 pytorch-fid==0.3.0
du -sh .whl
