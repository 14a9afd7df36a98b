/**
 * Instructions in a callgrind dump, split by what spent them: V8's garbage collector and its
 * compiler threads, and the rest. Those two run when V8 decides, not per request: a window of
 * a thousand tokens holds one, two or three young-generation collections worth tens of millions
 * of instructions each, which moves the total by up to 4 % between runs of the same build. The
 * rest is what the requests themselves cost, and repeats within about half a percent.
 */
export interface InstructionSplit {
  total: number;
  collector: number;
  compiler: number;
  rest: number;
}

// V8's C++ symbols for the heap (scavenger, marking, sweeping, evacuation) and the optimising
// compilers; JIT-compiled JavaScript has no symbol (a bare address) and never matches.
const collectorSymbols =
  /Scaveng|Marking|Sweep|MarkCompact|Evacuat|Heap::|HeapObject::SizeFromMap|Worklist|StringTableCleaner|LiveObjectVisitor|FreeList|RecordMigratedSlot|MigrateObject|IterateObjectCache|RelocIterator|FlushedBytecode|IteratePointers|IterateBody|IterateMaybeWeak|MemoryChunk|RememberedSet|SlotSet|PagedSpace|MemoryAllocator|GCTracer|EphemeronHashTable|WeakObjects|ClearNonLive|TypedSlot/;
const compilerSymbols =
  /compiler::|maglev::|Maglev|turboshaft|Turboshaft|Zone|Assembler|RegisterAllocator|InstructionSelector|Pipeline|OptimizedCompilation|LiveRange|Scheduler|Graph|BytecodeGenerator|Parser|Scanner|preparse|Compiler::|CodeGenerator|Deoptimiz/;

/** Self cost by function, from the dump's text (callgrind's name compression understood). */
export function splitInstructions(dump: string): InstructionSplit {
  const names = new Map<string, string>();
  const split: InstructionSplit = { total: 0, collector: 0, compiler: 0, rest: 0 };
  let current = '';
  let nextIsCallCost = false;
  for (const line of dump.split('\n')) {
    const named = /^(c?fn)=\((\d+)\)(?: (.*))?$/.exec(line);
    if (named) {
      const [, kind, id = '', name] = named;
      if (name !== undefined) names.set(id, name);
      if (kind === 'fn') current = names.get(id) ?? '';
      continue;
    }
    if (line.startsWith('calls=')) {
      nextIsCallCost = true;
      continue;
    }
    if (!/^[\d+\-*]/.test(line)) continue;
    // The line after calls= is the call's inclusive cost, already counted in the callee.
    if (nextIsCallCost) {
      nextIsCallCost = false;
      continue;
    }
    const cost = Number(line.split(' ')[1] ?? 0);
    split.total += cost;
    if (collectorSymbols.test(current)) split.collector += cost;
    else if (compilerSymbols.test(current)) split.compiler += cost;
    else split.rest += cost;
  }
  return split;
}
