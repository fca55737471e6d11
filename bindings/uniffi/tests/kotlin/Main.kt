// The Kotlin tests of the generated org.famplan bindings, run on the JVM through JNA
// (bindings/uniffi/test.sh). They cover every exported constructor and method once, every
// error variant as a typed exception, and one realistic flow between two devices. The
// domain itself is tested in Rust.
package org.famplan.tests

import org.famplan.*
import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import kotlin.system.exitProcess

private val tests = mutableListOf<Pair<String, () -> Unit>>()
private fun test(name: String, body: () -> Unit) { tests += name to body }

private fun check(cond: Boolean, what: () -> String) { if (!cond) throw AssertionError(what()) }
private fun <T> eq(actual: T, expected: T, what: String = "") =
    check(actual == expected) { "$what: expected <$expected>, got <$actual>" }
private inline fun <reified E : Throwable> raises(body: () -> Unit): E {
    try { body() } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got $e")
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}

private val tmp: File = Files.createTempDirectory("famplan-kotlin").toFile()
private var counter = 0
private fun freshPath(): String = File(tmp, "store-${++counter}.db").path

private val day = LocalDate.of(2026, 6, 10)
private fun ev(date: LocalDate, json: String) = NewEvent(date, json)
private val area = listOf(
    ev(LocalDate.of(2020, 1, 1), """{"kind":"area_defined","level":"community","area":"c1"}"""),
    ev(LocalDate.of(2020, 1, 1), """{"kind":"area_defined","level":"zone","area":"z1","parent":"c1"}"""),
    ev(LocalDate.of(2020, 1, 1), """{"kind":"area_defined","level":"grid","area":"g1","parent":"z1"}"""),
    ev(LocalDate.of(2020, 1, 1), """{"kind":"staff_assigned","staff":"k1","role":"keeper","level":"grid","area":"g1"}"""),
)
private fun household(id: String = "h1", housing: HousingKind = HousingKind.OWNER) =
    NewHousehold(id, LocalDate.of(2026, 1, 5), "g1", housing, null, null, "3-201")
private fun person(
    id: String = "p1", idNumber: String? = null, phone: String? = null,
    birth: LocalDate = LocalDate.of(1996, 1, 15), residency: Residency = Residency.FLOATING,
) = NewPerson(
    id, LocalDate.of(2026, 1, 5), "h1", "李梅", Sex.FEMALE, birth, idNumber, phone, Relation.HEAD,
    MaritalStatus.SINGLE, null, residency, listOf(),
)
private fun openGrid(device: String = "dev-a", path: String = freshPath()): FamplanStore =
    FamplanStore.open(path, device, "k1").also { it.recordEvents(area) }

fun main() {
    test("open and openWithTimeout: ids are DEVICE:N and resume after a reopen") {
        val path = freshPath()
        FamplanStore.open(path, "dev-a", "k1").use { s ->
            eq(s.recordEvents(area), listOf("dev-a:1", "dev-a:2", "dev-a:3", "dev-a:4"), "ids")
        }
        FamplanStore.openWithTimeout(path, "dev-a", "k1", 500u).use { s ->
            eq(s.registerHousehold(household()), "dev-a:5", "resumed id")
        }
    }

    test("registerHousehold, registerPerson, status") {
        openGrid().use { s ->
            s.registerHousehold(household())
            s.registerPerson(person(residency = Residency.REGISTERED))
            val st = s.status(day)
            eq(Triple(st.households, st.persons, st.events), Triple(1uL, 1uL, 6uL), "status")
            eq(st.lastEventDate, LocalDate.of(2026, 1, 5), "last event date")
            eq(st.watermark, 6uL, "watermark")
        }
    }

    test("workList and recordVisit: the visit takes the item off the list") {
        openGrid().use { s ->
            s.registerHousehold(household())
            s.registerPerson(person())
            val before = s.workList("k1", day)
            eq(before.on, day, "date")
            val check = before.items.single { it.obligation.rule == "floating_monthly_check" }
            val o = check.obligation
            eq(o.state, ObligationState.DUE, "state")
            eq(o.windowStart to o.windowEnd, LocalDate.of(2026, 6, 1) to LocalDate.of(2026, 6, 30), "window")
            check(o.why is Why.Member) { "why: ${o.why}" }
            val id = s.recordVisit(NewVisit("p1", day, o.visitKind!!, "using_correctly"))
            val after = s.workList("k1", day)
            eq(after.items.size, before.items.size - 1, "items after the visit")
            val done = s.personFile("p1", day).obligations.single { it.rule == "floating_monthly_check" && it.due == LocalDate.of(2026, 6, 30) }
            eq(done.state, ObligationState.DONE, "done")
            eq(done.fulfilledBy to done.fulfilledOn, id to day, "fulfilled by the visit")
        }
    }

    test("recordEvents and personFile: the why of a marriage visit") {
        openGrid().use { s ->
            s.registerHousehold(household())
            s.registerPerson(person(idNumber = "11010519491231002X", phone = "+86 138-0013-8000", birth = LocalDate.of(1949, 12, 31)))
            val ids = s.recordEvents(listOf(ev(LocalDate.of(2026, 3, 1), """{"kind":"married","person":"p1"}""")))
            val f = s.personFile("p1", LocalDate.of(2026, 3, 2))
            eq(f.phone, "13800138000", "phone normalised")
            eq(f.idNumber, "11010519491231002X", "id number")
            eq(f.state!!.marital, MaritalStatus.MARRIED, "marital")
            eq(f.state!!.caseFile, CaseFileStatus.Missing, "case file")
            val m = f.obligations.single { it.rule == "marriage_home" }
            eq(m.why, Why.Event(ids[0], "married"), "why")
            eq(m.because, "event ${ids[0]} (married)", "because")
        }
    }

    test("gridRates against the default targets") {
        openGrid().use { s ->
            s.registerHousehold(household())
            s.registerPerson(person(residency = Residency.REGISTERED))
            val rates = s.gridRates("g1", LocalDate.of(2026, 6, 1), LocalDate.of(2026, 6, 30)).associateBy { it.code }
            val cf = rates.getValue("case_file_rate")
            eq(listOf(cf.numerator, cf.denominator), listOf(0uL, 1uL), "case file rate")
            eq(Triple(cf.target, cf.met, cf.display), Triple(100.0, false, "0.00%"), "target")
            eq(cf.nameZh, "个案建档率", "name")
        }
    }

    test("disclosurePage masks the registry; publicityPlan states Mother's Day done") {
        openGrid().use { s ->
            s.registerHousehold(household())
            s.registerPerson(person(residency = Residency.REGISTERED))
            val md = s.disclosurePage("community", LocalDate.of(2026, 6, 30), false)
            check(md.startsWith("# 计划生育政务公开") && !md.contains("李梅")) { md }
            val plan = s.publicityPlan(2026, LocalDate.of(2026, 6, 1), "date,kind\n2026-05-12,mothers_day\n")
            val mum = plan.first { it.kind == "mothers_day" }
            eq(Triple(mum.due, mum.state, mum.doneOn), Triple(LocalDate.of(2026, 5, 10), "done", LocalDate.of(2026, 5, 12)), "mother's day")
        }
    }

    test("the keeper's day on two devices: register, visit, work list, sync, conflict kept") {
        openGrid("dev-a").use { a -> FamplanStore.open(freshPath(), "dev-b", "k1").use { b ->
            // Device a, in the stairwell: a new floating tenant, then her monthly check.
            a.registerHousehold(household(housing = HousingKind.RENTAL))
            a.registerPerson(person())
            val due = a.workList("k1", day).items.map { it.obligation.rule }.sorted()
            eq(due, listOf("floating_monthly_check", "reconciliation"), "due before the visit")
            a.recordVisit(NewVisit("p1", day, "floating_monthly_check", null))
            eq(a.workList("k1", day).items.map { it.obligation.rule }, listOf("reconciliation"), "after the visit")
            // Back in signal: device b takes everything in and answers the same.
            val batch = a.exportEvents(0uL)
            eq(batch.events.size to batch.watermark, 7 to 7uL, "exported")
            eq(a.exportEvents(batch.watermark).events, listOf<String>(), "nothing after the watermark")
            val first = b.importEvents(batch.events)
            eq(first.applied to first.conflicts, 7uL to listOf<SyncConflict>(), "first sync")
            eq(b.importEvents(batch.events).duplicates, 7uL, "a re-sent batch changes nothing")
            eq(b.workList("k1", day), a.workList("k1", day), "the same work list on both devices")
            // Both record the same marriage offline; after the sync the later one is a conflict, kept.
            a.recordEvents(listOf(ev(LocalDate.of(2026, 3, 1), """{"kind":"married","person":"p1"}""")))
            val mine = b.recordEvents(listOf(ev(LocalDate.of(2026, 3, 2), """{"kind":"married","person":"p1"}""")))
            eq(mine, listOf("dev-b:1"), "b's own numbering")
            val second = b.importEvents(a.exportEvents(batch.watermark).events)
            eq(second.conflicts.map { it.eventId }, listOf("dev-b:1"), "the later marriage is the conflict")
            eq(b.conflicts().map { it.eventId to it.kind }, listOf("dev-b:1" to "married"), "kept in the log")
            eq(b.status(day).conflicts to b.status(day).events, 1uL to 9uL, "status counts it")
        } }
    }

    test("FamplanException.Invalid names the field; nothing is written") {
        openGrid().use { s ->
            s.registerHousehold(household())
            val before = s.status(day).events
            val e = raises<FamplanException.Invalid> { s.registerPerson(person(idNumber = "36042619910102009X")) }
            eq(e.field, "id_number", "field")
            check(e.reason.contains("3")) { "reason names the expected check character: ${e.reason}" }
            val p = raises<FamplanException.Invalid> { s.registerPerson(person(phone = "12345")) }
            eq(p.field, "phone", "field")
            eq(s.status(day).events, before, "events after refusals")
        }
    }

    test("FamplanException.NotFound for an unknown keeper, person, grid") {
        openGrid().use { s ->
            val k = raises<FamplanException.NotFound> { s.workList("nobody", day) }
            eq(k.kind to k.id, "keeper" to "nobody", "keeper")
            val p = raises<FamplanException.NotFound> { s.personFile("p9", day) }
            eq(p.kind to p.id, "person" to "p9", "person")
            val v = raises<FamplanException.NotFound> { s.recordVisit(NewVisit("p9", day, "floating_monthly_check", null)) }
            eq(v.kind to v.id, "person" to "p9", "visit of an unknown person")
            raises<FamplanException.NotFound> { s.gridRates("g9", day, day) }
        }
    }

    test("FamplanException.Conflict for an event that contradicts the store") {
        openGrid().use { s ->
            s.registerHousehold(household())
            val e = raises<FamplanException.Conflict> { s.registerHousehold(household()) }
            eq(e.event, "dev-a:6", "event")
            check(e.reason.contains("already exists")) { e.reason }
        }
    }

    test("FamplanException.Busy while another process writes, then the write goes through") {
        val path = freshPath()
        FamplanStore.openWithTimeout(path, "dev-a", "k1", 50u).use { s ->
            val holder = ProcessBuilder(
                "python3", "-c",
                "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1],isolation_level=None)\nc.execute('BEGIN IMMEDIATE')\nprint('locked',flush=True)\nsys.stdin.readline()",
                path,
            ).start()
            try {
                eq(holder.inputStream.bufferedReader().readLine(), "locked", "lock holder")
                raises<FamplanException.Busy> { s.recordEvents(area) }
            } finally {
                holder.outputStream.write('\n'.code); holder.outputStream.flush(); holder.waitFor()
            }
            eq(s.recordEvents(area).size, 4, "after the lock is released")
        }
    }

    test("stockOnHand and applicationsOverdue") {
        openGrid().use { s ->
            s.registerHousehold(household())
            s.registerPerson(person())
            s.recordEvents(listOf(
                ev(LocalDate.of(2026, 6, 1), """{"kind":"stock_moved","point":"s1","item":"condom","movement":"received","quantity":100}"""),
                ev(LocalDate.of(2026, 6, 2), """{"kind":"supplies_dispensed","person":"p1","item":"condom","quantity":30,"point":"s1"}"""),
                ev(LocalDate.of(2026, 6, 1), """{"kind":"certificate","person":"p1","certificate":"service_booklet","action":"applied"}"""),
            ))
            // 100 received - 30 dispensed = 70; the booklet was due 1 June + 5 days = 6 June.
            eq(s.stockOnHand(day).map { it.quantity }, listOf(70uL), "stock")
            eq(s.applicationsOverdue(day).map { it.daysOverdue }, listOf(4uL), "days overdue on 10 June")
        }
    }

    test("FamplanException.Other for a file that is not a store") {
        val notes = File(tmp, "notes.txt").apply { writeText("hello") }
        val e = raises<FamplanException.Other> { FamplanStore.open(notes.path, "dev-a", "k1") }
        check(e.reason.contains("not a famplan store")) { e.reason }
    }

    var failed = 0
    for ((name, body) in tests) {
        try { body(); println("ok   $name") } catch (e: Throwable) { failed++; println("FAIL $name\n     $e") }
    }
    tmp.deleteRecursively()
    println("${tests.size - failed} passed, $failed failed (Kotlin, org.famplan over JNA)")
    if (failed > 0) exitProcess(1)
}
