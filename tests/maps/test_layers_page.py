"""Grids, outlines, workers, the track and selection, drawn by the real page."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from gridcommand.db.live.records import ActionRecord, ChangeBatch
from tests.maps.conftest import counts, js
from tests.maps.factory import LAT0, LON0, NOW, city, fix, grid, ticket, worker
from tests.maps.mouse import click, pixel


def test_workers_by_status_and_track_on_click(qtbot, panel, store):
    batch = ChangeBatch(
        workers=(worker("W1"), worker("W2", "part_time"), worker("W3", "volunteer")),
        positions=(
            fix(1, "W1", timedelta(minutes=40), lon=113.301),
            fix(2, "W1", timedelta(minutes=20), lon=113.303),
            fix(3, "W1", timedelta(minutes=1)),
            fix(4, "W2", timedelta(minutes=15), lat=LAT0 + 0.002),
            fix(5, "W3", timedelta(hours=3), lat=LAT0 + 0.008),
        ),
    )
    # The database's hour of fixes, as the window's reader would give it.
    panel._read_track = lambda code: [p for p in batch.positions if p.worker_code == code]
    panel.on_store_changed(store.apply(batch))
    want = {"online": 1, "stale": 1, "offline": 1}
    qtbot.waitUntil(lambda: counts(qtbot, panel)["workers"] == want, timeout=5000)
    # A real click where W1 is drawn (the others stand apart), zoomed in past grouping.
    w1 = (LAT0 + 0.005, LON0 + 0.005)
    js(qtbot, panel, f"gridmap.map().setView([{w1[0]}, {w1[1]}], 17, {{animate: false}}) && 1")
    qtbot.waitUntil(lambda: counts(qtbot, panel)["aggregating"] is False, timeout=5000)
    with qtbot.waitSignal(panel.worker_clicked, check_params_cb=lambda c: c == "W1", timeout=5000):
        click(qtbot, panel, pixel(qtbot, panel, *w1))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["track_points"] == 3, timeout=5000)
    panel.show_track(None)
    qtbot.waitUntil(lambda: counts(qtbot, panel)["track_points"] == 0, timeout=5000)


def test_outlines_arrive_from_thread_and_select_flies(qtbot, panel, store):
    panel.on_store_changed(store.apply(city(grids=12, tickets=4)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["outlines"] == 2, timeout=5000)  # C1 + S1
    panel.select_ticket(3)
    qtbot.waitUntil(lambda: js(qtbot, panel, "gridmap.map().getZoom()") >= 16, timeout=5000)
    centre = js(qtbot, panel, "gridmap.map().getCenter()")
    alert = js(qtbot, panel, "gridmap.alert(3)")
    assert abs(centre["lat"] - alert["lat"]) < 1e-3 and abs(centre["lng"] - alert["lng"]) < 1e-3


def test_aggregates_at_low_zoom_and_points_at_close_zoom(qtbot, panel, store):
    tickets = tuple(ticket(i, grid_no=0) for i in range(1, 201))
    panel.on_store_changed(store.apply(ChangeBatch(tickets=tickets)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 200, timeout=5000)
    js(qtbot, panel, "gridmap.map().setView([23.105, 113.305], 11, {animate: false}) && 1")
    qtbot.waitUntil(lambda: 0 < counts(qtbot, panel)["clusters"] < 10, timeout=5000)
    assert counts(qtbot, panel)["aggregating"] is True
    js(qtbot, panel, "gridmap.map().setView([23.105, 113.305], 17, {animate: false}) && 1")
    qtbot.waitUntil(lambda: counts(qtbot, panel)["aggregating"] is False, timeout=5000)
    assert counts(qtbot, panel)["halos"] > 0  # new, unacknowledged: pulsing


def test_the_district_is_fitted_clear_of_the_legend(qtbot, panel, store):
    panel.on_store_changed(store.apply(city(grids=12)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["grids"] == 12, timeout=5000)
    js(qtbot, panel, "(gridmap.fitAll(), 1)")
    east, legend_left = js(
        qtbot,
        panel,
        "(function () { var b = null; gridmap.map().eachLayer(function (l) {"
        " if (l.getBounds && l.gcProps && l.gcProps.rings) { b = b ? b.extend(l.getBounds())"
        " : L.latLngBounds(l.getBounds().getSouthWest(), l.getBounds().getNorthEast()); } });"
        " return [gridmap.map().latLngToContainerPoint(b.getNorthEast()).x,"
        " document.querySelector('.gc-legend').getBoundingClientRect().left]; })()",
    )
    assert east <= legend_left  # no alert on the east edge hides behind the legend


def test_a_new_alert_rebuilds_only_its_own_cell(qtbot, panel, store):
    far_apart = tuple(ticket(i, grid_no=0 if i % 2 else 15) for i in range(1, 41))
    panel.on_store_changed(store.apply(ChangeBatch(tickets=far_apart)))
    js(qtbot, panel, "gridmap.map().setView([23.12, 113.32], 14, {animate: false}) && 1")
    qtbot.waitUntil(lambda: counts(qtbot, panel)["clusters"] == 2, timeout=5000)
    before = set(js(qtbot, panel, "gridmap.clusterStamps()"))
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(ticket(41, grid_no=0),))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 41, timeout=5000)
    qtbot.waitUntil(lambda: set(js(qtbot, panel, "gridmap.clusterStamps()")) != before)
    after = set(js(qtbot, panel, "gridmap.clusterStamps()"))
    assert len(after) == 2 and len(before & after) == 1  # grid 15's cell kept its marker


def test_updates_never_reload_and_keep_the_view(qtbot, panel, store):
    loads: list[bool] = []
    panel.page.loadStarted.connect(lambda: loads.append(True))
    panel.on_store_changed(store.apply(city(grids=12, tickets=10)))
    js(qtbot, panel, "gridmap.map().setView([23.115, 113.315], 16, {animate: false}) && 1")
    for version in range(2, 12):
        moved = ticket(1, version=version, age=timedelta(minutes=10 + version))
        panel.on_store_changed(store.apply(ChangeBatch(tickets=(moved,))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["batches_applied"] >= 11, timeout=5000)
    assert loads == []
    assert js(qtbot, panel, "gridmap.map().getZoom()") == 16


def test_names_are_text_in_grid_and_worker_cards(qtbot, panel, store):
    evil = "<img src=x onerror=alert(1)>"
    g = replace(grid(0), name=evil)
    w = replace(worker("W1"), name=evil)
    batch = ChangeBatch(grids=(g,), workers=(w,), positions=(fix(1, "W1", timedelta(0)),))
    panel.on_store_changed(store.apply(batch))
    panel.send_held_workers()  # worker moves are otherwise held for up to a second
    qtbot.waitUntil(
        lambda: counts(qtbot, panel)["workers"]["online"] == 1,
        timeout=5000,
    )
    for layer, key in (("grids", "G00"), ("workers", "W1")):
        card = js(qtbot, panel, f"gridmap.tooltipText('{layer}', '{key}')")
        assert evil in card["text"] and card["images"] == 0
    js(qtbot, panel, "gridmap.map().setView([23.105, 113.305], 16, {animate: false}) && 1")
    labels = "Array.from(document.querySelectorAll('.gc-label')).map(e => e.textContent)"
    qtbot.waitUntil(lambda: js(qtbot, panel, labels) == [evil], timeout=5000)
    assert js(qtbot, panel, "document.querySelectorAll('.leaflet-pane img').length") == 0


def test_store_acknowledgement_stops_pulse(qtbot, panel, store):
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(ticket(1), ticket(2)))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts_pulsing"] == 2, timeout=5000)
    registered = replace(ticket(1, version=2), status="registered")
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(registered,))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts_pulsing"] == 1, timeout=5000)


def test_labels_replace_legend_and_tooltip_words(qtbot, panel, store):
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(ticket(1),))))
    panel.set_labels({"legend_alerts": "<b>告警</b>", "status": "状态", "reported": "已上报"})
    legend = "document.querySelector('[data-label=legend_alerts]').textContent"
    qtbot.waitUntil(lambda: js(qtbot, panel, legend) == "<b>告警</b>", timeout=5000)
    card = js(qtbot, panel, "gridmap.tooltipText('alerts', 1)")
    assert "状态已上报" in card["text"]
    assert js(qtbot, panel, "document.querySelectorAll('.gc-legend b').length") == 0


def test_alerts_at_risk_are_ringed_and_unringed(qtbot, panel, store):
    panel.on_store_changed(store.apply(city(grids=12, tickets=4)))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 4, timeout=5000)
    panel.set_at_risk({2: 0.9, 3: 0.7, 99: 0.8})  # 99: not on the map (closed meanwhile)
    qtbot.waitUntil(lambda: counts(qtbot, panel)["at_risk"] == 2, timeout=5000)
    panel.set_at_risk({})
    qtbot.waitUntil(lambda: counts(qtbot, panel)["at_risk"] == 0, timeout=5000)


def test_an_emergency_is_a_big_red_pulsing_point_at_every_zoom(qtbot, panel, store):
    from gridcommand.resources import palette

    crowd = tuple(ticket(i, grid_no=0, age=timedelta(hours=2)) for i in range(2, 60))
    # On time (a green light), old: neither may make it small, green or still.
    emergency = ticket(1, grid_no=0, emergency=True, age=timedelta(hours=3))
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(emergency, *crowd))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts"] == 59, timeout=5000)
    assert counts(qtbot, panel)["alerts_pulsing"] == 1  # old plain reports no longer ring
    big_red = {"fillColor": palette.MAP["emergency"], "color": palette.MAP["emergency_edge"]}
    for zoom in (12, 17):  # the district, then a street
        js(
            qtbot,
            panel,
            f"gridmap.map().setView([23.105, 113.305], {zoom}, {{animate: false}}) && 1",
        )
        qtbot.waitUntil(lambda: js(qtbot, panel, "gridmap.drawnAlert(1)") is not None, timeout=5000)
        drawn = js(qtbot, panel, "gridmap.drawnAlert(1)")
        assert {k: drawn[k] for k in big_red} == big_red
        assert drawn["radius"] >= 14 and drawn["weight"] >= 4 and drawn["pulse"]
        assert js(qtbot, panel, "gridmap.drawnAlert(2)") is None or zoom == 17
        assert counts(qtbot, panel)["halos"] == 1
    ack = ActionRecord(1, 1, "acknowledge", "reported", "reported", "duty1", "supervisor", NOW, "")
    panel.on_store_changed(store.apply(ChangeBatch(actions=(ack,))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts_pulsing"] == 0, timeout=5000)


def test_a_plain_report_rings_only_while_it_is_new(qtbot, panel, store):
    from gridcommand.maps.features import NEW_FOR

    now = [NOW]
    store.clock = lambda: now[0]
    fresh = ticket(1, age=timedelta(minutes=1))
    emergency = ticket(2, emergency=True, age=timedelta(minutes=1))
    panel.on_store_changed(store.apply(ChangeBatch(tickets=(fresh, emergency))))
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts_pulsing"] == 2, timeout=5000)
    now[0] = NOW + NEW_FOR
    panel.expire_new()  # the panel's timer step
    qtbot.waitUntil(lambda: counts(qtbot, panel)["alerts_pulsing"] == 1, timeout=5000)
    assert js(qtbot, panel, "gridmap.alert(2).props.pulse") is True  # until acknowledged
