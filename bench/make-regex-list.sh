#!/bin/sh
# make-regex-list.sh - the default pack's rules as a regex list for the
# peers (pcre2grep -f, rg -f): one line per rule, in pack order, taken from
# `kpiscan --list-rules` so the list always follows the pack the binary
# embeds.
#
# usage: bench/make-regex-list.sh PATH/TO/kpiscan > rules.txt
set -eu
kpiscan=${1:?usage: make-regex-list.sh PATH/TO/kpiscan}
# --list-rules prints a '#' header, then id, category, level, weight,
# regex, source separated by tabs.
"$kpiscan" --list-rules | awk -F '\t' '!/^#/ && NF >= 6 { print $5 }'
