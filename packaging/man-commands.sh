#!/usr/bin/env bash
# Writes a help2man include file (stdout) with the --help of every cachescope subcommand, so the man
# page documents each command and option, not only the top-level list. Used by CMakeLists.txt.
#   usage: man-commands.sh /path/to/cachescope
set -euo pipefail
exe=$1
echo "[COMMANDS]"
# The subcommands are the indented words after "Subcommands:" in the top-level help.
"$exe" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }' | while read -r cmd; do
    echo ".SS \"cachescope $cmd\""
    echo ".nf"
    # Escape backslashes and leading dots/quotes for troff.
    "$exe" "$cmd" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
done
cat <<'TXT'
[FILES]
.TP
.I /usr/share/cachescope/configs/
The preset configs; a preset's name works wherever a config file goes (\fB\-\-config zen4\fR).
.TP
.I /usr/share/cachescope/traces/
Sample traces; \fBtraces/NAME\fR is found there from any folder.
.TP
.B CACHESCOPE_DATA_DIR
A folder holding configs/ and traces/, searched first.
[SEE ALSO]
.BR cachescope-gui (1),
.BR valgrind (1).
The full documentation is in /usr/share/doc/cachescope/.
TXT
