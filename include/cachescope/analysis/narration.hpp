#pragma once
// Step-by-step narration: what happened to each CPU reference, as plain value records a student
// can check by hand (and the GUI can show). `cachescope explain` prints them.
//
// A Narrator listens to the Hierarchy (HierarchyObserver) and the Mmu (MmuObserver) while one
// reference is simulated and turns their events into one ReferenceNarration:
//
//   reference 3: read 0x0, 8 bytes
//     piece (one per page-sized part; without an mmu the whole reference)
//       translation: page number, offset, TLB lookups, walk steps (each PTE read's own cache
//                    steps), page fault and the page it evicted, the physical address
//       cache steps, in the order they arrived:
//         L1  read 0x0: tag 0x0 | set 0 | offset 0x0; the set before (lines, policy state);
//             miss → way 0, victim line 0x200 (clean)
//           L2  read 0x0 (fill for L1): ... hit way 0
//
// Worked example (configs/teaching.json: L1 1 KiB 2-way 64 B lines = 8 sets → 6 offset bits,
// 3 set bits): reference "R 0x208 8" is line 0x208 >> 6 = 0x8, set 0x8 mod 8 = 0, tag 0x8 >> 3 = 1,
// offset 0x208 mod 64 = 8. Every split comes from the cache's AddressLayout.
//
// narrateTrace() runs a simulator over a trace, silently up to reference `from`, then narrates
// `count` references. Printers to text and JSON are separate functions (printNarrationText/Json).
//
// Where each part lives:
//   analysis/narration_records.hpp   the records (ReferenceNarration, CacheStep, ...)
//   analysis/narrator.hpp            the Narrator (the observer that fills them)
//   analysis/narrate_trace.hpp       narrateTrace (the driver)
//   report/narration_printers.hpp    printNarrationText, narrationToJson
// This header includes the three analysis/ parts; the printers, in report/ (which depends on
// analysis/, never the other way), are included by whoever prints.

#include "cachescope/analysis/narrate_trace.hpp"
#include "cachescope/analysis/narration_records.hpp"
#include "cachescope/analysis/narrator.hpp"
