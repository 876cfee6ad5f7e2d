/*
 * internal.h - every private header of libkpiscan at once, for the unit
 * tests, benches and fuzzers that reach into several stages.  Library
 * sources include only the module headers they use (docs/internals.md).
 * Never installed; the CLI must not include it.
 */
#ifndef KPISCAN_INTERNAL_H
#define KPISCAN_INTERNAL_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"
#include "base/options.h"
#include "base/sha256.h"
#include "base/util.h"
#include "batch.h"
#include "estimate/result.h"
#include "estimate/score.h"
#include "input/doc.h"
#include "input/extract.h"
#include "match/match.h"
#include "match/pack.h"
#include "match/prefilter.h"
#include "output/explain.h"
#include "output/jsonw.h"
#include "text/normalize.h"
#include "text/sections.h"
#include "text/timeline.h"

#endif /* KPISCAN_INTERNAL_H */
