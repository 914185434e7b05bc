#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mutations of the module that the KUnit suite must catch.

usage: mutations.py count | name N | apply N TREE
"""
import sys

MUTATIONS = [
    ("session release keeps its pins", "module/session.c",
     "\txa_for_each(&s->pins, handle, pin)\n\t\tpinstat_pin_free(s, pin);",
     "\txa_for_each(&s->pins, handle, pin)\n\t\tkfree(pin);"),
    ("small-folio estimate read from the next page", "module/record.c",
     "rec->pincount = refcount / GUP_PIN_COUNTING_BIAS;",
     "rec->pincount = folio_ref_count(page_folio(nth_page(run->page, 1))) /"
     " GUP_PIN_COUNTING_BIAS;"),
    ("large-folio pin count of the next folio", "module/record.c",
     "rec->pincount = pinstat_folio_pincount(folio);",
     "rec->pincount = pinstat_folio_pincount(page_folio(nth_page(run->page,"
     " run->nr_pages)));"),
    ("span counts one page too many", "module/pin.c",
     "return (PAGE_ALIGN(addr + len) - (addr & PAGE_MASK)) >> PAGE_SHIFT;",
     "return ((PAGE_ALIGN(addr + len) - (addr & PAGE_MASK)) >> PAGE_SHIFT) + 1;"),
    ("pin limit off by one", "module/session.c",
     "if (s->nr_pins >= READ_ONCE(pinstat_max_pins_per_session)) {",
     "if (s->nr_pins > READ_ONCE(pinstat_max_pins_per_session)) {"),
    ("report ignores reserved fields", "module/session.c",
     "if (args->flags || args->reserved[0] || args->reserved[1] ||\n"
     "\t    args->record_size",
     "if (args->flags ||\n\t    args->record_size"),
    ("debugfs cursor keeps the run index across pins", "module/debugfs.c",
     "\t\tit->handle++;\n\t\tit->cur = (struct pinstat_run_cursor){};\n\t}\n}",
     "\t\tit->handle++;\n\t}\n}"),
    ("unpin of an unknown handle succeeds", "module/session.c",
     "\tif (!pin)\n\t\treturn -ENOENT;\n\n\targs->nr_pages",
     "\tif (!pin)\n\t\treturn 0;\n\n\targs->nr_pages"),
    ("release keeps the memlock charge", "module/account.c",
     "{\n\tatomic64_sub(nr_pages, &mm->pinned_vm);\n}",
     "{\n}"),
    ("own-pin index takes one new pin a query", "module/registry.c",
     "\t\tlist_del_init(&pin->unindexed);\n\t}",
     "\t\tlist_del_init(&pin->unindexed);\n\t\tbreak;\n\t}"),
    ("unpin leaves its runs in the own-pin index", "module/registry.c",
     "\tif (list_empty(&pin->unindexed))\n"
     "\t\tpinstat_own_account(pin, -1, pin->nr_runs);\n"
     "\telse\n\t\tlist_del(&pin->unindexed);",
     "\tif (!list_empty(&pin->unindexed))\n\t\tlist_del(&pin->unindexed);"),
    ("foreign pins include pinstat's own", "module/record.c",
     "rec->foreign_pins = min_t(u64, rec->pincount - own, U32_MAX);",
     "rec->foreign_pins = min_t(u64, rec->pincount, U32_MAX);"),
    ("refcount limit never checked", "module/pin.c",
     "\t\tif (pk.over_limit) {",
     "\t\tif (0 && pk.over_limit) {"),
]


def main(argv):
    if argv[1] == "count":
        print(len(MUTATIONS))
    elif argv[1] == "name":
        print(MUTATIONS[int(argv[2])][0])
    elif argv[1] == "apply":
        name, path, old, new = MUTATIONS[int(argv[2])]
        path = f"{argv[3]}/{path}"
        text = open(path).read()
        if text.count(old) != 1:
            sys.exit(f"{name}: does not apply to {path}")
        open(path, "w").write(text.replace(old, new))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
