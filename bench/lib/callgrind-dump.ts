/**
 * Instructions in a callgrind dump, split by what spent them: V8's garbage collector, its
 * compilers, and the rest. Those two run when V8 decides, not per request: a window of a
 * thousand tokens holds one, two or three young-generation collections worth tens of millions
 * of instructions each, which moves the total by up to 4 % between runs of the same build. The
 * rest is what the requests themselves cost, and repeats within about half a percent.
 */
export interface InstructionSplit {
  total: number;
  collector: number;
  compiler: number;
  /** The rest of what V8's own worker threads ran (concurrent marking and sweeping, compile jobs): never a request's. */
  background: number;
  rest: number;
}

// V8's C++ symbols for the heap (scavenger, marking, sweeping, evacuation) and the optimising
// compilers; JIT-compiled JavaScript has no symbol (a bare address) and never matches.
const collectorSymbols =
  /Scaveng|Marking|Sweep|MarkCompact|Evacuat|Heap::|HeapObject::SizeFromMap|Worklist|StringTableCleaner|LiveObjectVisitor|FreeList|RecordMigratedSlot|MigrateObject|IterateObjectCache|RelocIterator|FlushedBytecode|IteratePointers|IterateBody|IterateMaybeWeak|MemoryChunk|RememberedSet|SlotSet|PagedSpace|MemoryAllocator|GCTracer|EphemeronHashTable|WeakObjects|ClearNonLive|TypedSlot/;
const compilerSymbols =
  /compiler::|maglev::|Maglev|turboshaft|Turboshaft|Zone|Assembler|RegisterAllocator|InstructionSelector|Pipeline|OptimizedCompilation|LiveRange|Scheduler|Graph|BytecodeGenerator|Parser|Scanner|preparse|Compiler::|CodeGenerator|Deoptimiz/;

/** Self cost of each function in a callgrind dump, by its name (callgrind's name compression understood). */
export function selfCostByFunction(dump: string): Map<string, number> {
  const names = new Map<string, string>();
  const costs = new Map<string, number>();
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
    costs.set(current, (costs.get(current) ?? 0) + Number(line.split(' ')[1] ?? 0));
  }
  return costs;
}

/**
 * The instructions of one thread's dump (as selfCostByFunction reads them), split. On V8's
 * platform worker threads what is neither collector nor compiler by its symbol (a memcpy of
 * the evacuation, a hash-table probe of the marker) is still V8's work, not a request's: it
 * counted among the requests' before the threads were told apart, and moved them by as much
 * as a collection.
 */
export function splitInstructions(costs: Map<string, number>, { v8Worker }: { v8Worker: boolean }): InstructionSplit {
  const split: InstructionSplit = { total: 0, collector: 0, compiler: 0, background: 0, rest: 0 };
  for (const [name, cost] of costs) {
    split.total += cost;
    if (collectorSymbols.test(name)) split.collector += cost;
    else if (compilerSymbols.test(name)) split.compiler += cost;
    else if (v8Worker) split.background += cost;
    else split.rest += cost;
  }
  return split;
}

/** Whether a thread's dump is one of V8's platform workers (node's `PlatformWorkerThread`), not the main thread or libuv's pool. */
export function isV8WorkerThread(dump: string): boolean {
  return dump.includes('PlatformWorkerThread(');
}

/** The sum of the splits of every thread. */
export function addSplits(splits: readonly InstructionSplit[]): InstructionSplit {
  const sum: InstructionSplit = { total: 0, collector: 0, compiler: 0, background: 0, rest: 0 };
  for (const split of splits) for (const key of Object.keys(sum) as (keyof InstructionSplit)[]) sum[key] += split[key];
  return sum;
}

/** Whether a function's instructions are the collector's or the compiler's (left out of the rest). */
export function isCollectorOrCompiler(name: string): boolean {
  return collectorSymbols.test(name) || compilerSymbols.test(name);
}
