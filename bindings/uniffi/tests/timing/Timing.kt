// Issue 7's figures through JNA, as the Android app sees them (not a test: run by hand, see
// bindings/uniffi/README.md). Opens a fresh copy of each store of examples/timing.rs.
package org.famplan.timing

import org.famplan.*
import java.io.File
import java.time.LocalDate

fun summary(v: List<Double>): String {
    val s = v.sorted()
    return "median %.2f ms (min %.2f, max %.2f, n=%d)".format(s[s.size / 2], s.first(), s.last(), s.size)
}

fun measure(name: String, base: File, keeper: String, today: LocalDate) {
    val path = File(base.path.removeSuffix(".db") + ".kt-run.db")
    listOf("", "-wal", "-shm").forEach { File(path.path + it).delete() }
    base.copyTo(path, overwrite = true)
    val cold = mutableListOf<Double>()
    var items = 0
    repeat(15) {
        val t = System.nanoTime()
        FamplanStore.open(path.path, "timing", keeper).use { items = it.workList(keeper, today).items.size }
        cold += (System.nanoTime() - t) / 1e6
    }
    val warm = mutableListOf<Double>()
    FamplanStore.open(path.path, "timing", keeper).use { app ->
        val todo = app.workList(keeper, today).items.map { it.obligation }
            .filter { it.person != null && it.visitKind != null }.take(40)
        for (o in todo) {
            val t = System.nanoTime()
            app.recordVisit(NewVisit(o.person!!, today, o.visitKind!!, null))
            app.workList(keeper, today)
            warm += (System.nanoTime() - t) / 1e6
        }
    }
    println("$name (Kotlin over JNA): cold open + work list ($items items): ${summary(cold)}; record visit + work list: ${summary(warm)}")
}

fun main(args: Array<String>) {
    val dir = File(args.getOrElse(0) { "target/mobile-timing" })
    // The first round warms the JIT up (Android's ART runs compiled code); both are printed.
    for (round in listOf("round 1", "round 2")) {
        measure("$round events", File(dir, "events.db"), "k1011", LocalDate.of(2026, 11, 28))
        measure("$round snapshot", File(dir, "snapshot.db"), "k1011", LocalDate.of(2026, 7, 15))
    }
}
