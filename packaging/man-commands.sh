#!/usr/bin/env bash
# Writes a help2man include file (stdout) with the --help of every cachescope subcommand, so the man
# page documents each command and option, not only the top-level list. Used by CMakeLists.txt.
#   usage: man-commands.sh /path/to/cachescope
set -euo pipefail
exe=$1
echo "[COMMANDS]"
# The subcommands are the indented words after "Subcommands:" in the top-level help.
subcommands() { "$exe" "$@" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'; }
section() {  # one command's --help, verbatim; backslashes and leading dots/quotes escaped for troff
    echo ".SS \"cachescope $*\""
    echo ".nf"
    "$exe" "$@" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
}
for cmd in $(subcommands); do
    section "$cmd"
    for sub in $(subcommands "$cmd"); do section "$cmd" "$sub"; done  # trace record, config check, ...
done
# The top-level examples, one per line (help2man would fill them into one paragraph).
echo "[=EXAMPLES]"
echo ".nf"
"$exe" --help | sed -n '/^Examples:/,/^Run /p' | sed -e '1d' -e '$d' -e 's/^  //' -e 's/\\/\\e/g'
echo ".fi"
echo "Run \fBcachescope COMMAND \-\-help\fR for the options of a command (all listed under COMMANDS above)."
cat <<'TXT'
[FILES]
.TP
.I /usr/share/cachescope/configs/
The preset configs; a preset's name works wherever a config file goes (\fB\-\-config zen4\fR).
.TP
.I /usr/share/cachescope/traces/
Sample traces; \fBtraces/NAME\fR is found there from any folder.
[ENVIRONMENT]
.TP
.B CACHESCOPE_DATA_DIR
A folder holding configs/ and traces/, searched before the installed ones.
[SEE ALSO]
.BR cachescope-gui (1),
.BR valgrind (1).
The full documentation is in /usr/share/doc/cachescope/.
TXT
