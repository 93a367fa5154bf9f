//! `QueueActor`: one per service. Keeps the queue's live picture for 상담 대기중 and the
//! wallboard — which calls wait and since when, calls answered and abandoned today — and
//! reports every change to the brand's `StatsActor`, which carries it to the desks on its floor
//! tick (coalesced, with the counts, in one write per desk).

use super::messages::*;
use super::stats::StatsActor;
use super::Engine;
use crate::domain::ledger::local_date;
use crate::domain::model::{Brand, CallId};
use crate::protocol::{QueueView, ServiceView};
use actix::prelude::*;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

pub const PUSH_INTERVAL: Duration = Duration::from_millis(250);

pub struct QueueActor {
    engine: Engine,
    brand: Arc<Brand>,
    service: ServiceView,
    stats: Addr<StatsActor>,
    waiting: HashMap<CallId, DateTime<Utc>>,
    order: BTreeSet<(DateTime<Utc>, CallId)>,
    answered: u32,
    abandoned: u32,
    date: NaiveDate,
}

impl QueueActor {
    pub fn new(
        engine: Engine,
        brand: Arc<Brand>,
        service: ServiceView,
        stats: Addr<StatsActor>,
        (answered, abandoned): (u32, u32),
    ) -> Self {
        let date = local_date(engine.now(), brand.tz());
        QueueActor {
            engine,
            brand,
            service,
            stats,
            waiting: HashMap::new(),
            order: BTreeSet::new(),
            answered,
            abandoned,
            date,
        }
    }

    fn view(&self) -> QueueView {
        let now = self.engine.now();
        let oldest = self.order.first().map(|(t, _)| *t);
        QueueView {
            service: self.service.code.clone(),
            service_name: self.service.name.clone(),
            waiting: self.waiting.len() as u32,
            longest_wait_s: oldest.map(|t| (now - t).num_seconds().max(0)).unwrap_or(0),
            oldest_since: oldest,
            answered: self.answered,
            abandoned: self.abandoned,
        }
    }

    /// The picture changed: the stats actor hears at once and carries it to the desks on its
    /// next floor tick.
    fn changed(&mut self) {
        self.stats.do_send(QueueFigures(self.view()));
    }

    /// Starts a new day at local midnight.
    fn flush(&mut self) {
        let today = local_date(self.engine.now(), self.brand.tz());
        if today != self.date {
            self.date = today;
            self.answered = 0;
            self.abandoned = 0;
            self.changed();
        }
    }
}

impl Actor for QueueActor {
    type Context = Context<Self>;
    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(100_000);
        self.changed();
        ctx.run_interval(PUSH_INTERVAL, |act, _| act.flush());
    }
}

impl Handler<QueueJoined> for QueueActor {
    type Result = ();
    fn handle(&mut self, m: QueueJoined, _: &mut Context<Self>) {
        if let Some(old) = self.waiting.insert(m.call_id, m.since) {
            self.order.remove(&(old, m.call_id));
        }
        self.order.insert((m.since, m.call_id));
        self.changed();
    }
}

impl Handler<QueueLeft> for QueueActor {
    type Result = ();
    fn handle(&mut self, m: QueueLeft, _: &mut Context<Self>) {
        if let Some(since) = self.waiting.remove(&m.call_id) {
            self.order.remove(&(since, m.call_id));
            self.changed();
        }
    }
}

impl Handler<QueueOutcome> for QueueActor {
    type Result = ();
    fn handle(&mut self, m: QueueOutcome, _: &mut Context<Self>) {
        if m.answered {
            self.answered += 1;
        } else {
            self.abandoned += 1;
        }
        self.changed();
    }
}

impl Handler<GetQueueView> for QueueActor {
    type Result = MessageResult<GetQueueView>;
    fn handle(&mut self, _: GetQueueView, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.view())
    }
}

impl Handler<BrandSettings> for QueueActor {
    type Result = ();
    fn handle(&mut self, m: BrandSettings, _: &mut Context<Self>) {
        self.brand = m.0;
    }
}

impl Handler<WhereAmI> for QueueActor {
    type Result = MessageResult<WhereAmI>;
    fn handle(&mut self, _: WhereAmI, _: &mut Context<Self>) -> Self::Result {
        MessageResult(std::thread::current().id())
    }
}
