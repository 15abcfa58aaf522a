package no.brokerclient.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** Heap figures for the constant-memory test and the streaming benchmark. */
public final class Heap {
  private Heap() {}

  /** @return the sum of the heap pools' peak usage since the JVM started, in bytes */
  public static long peakUsed() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
