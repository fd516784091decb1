"""Demo content for the training app, written for Readiness from the facts in DOMAIN.md."""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Skills
# ---------------------------------------------------------------------------

SKILLS: list[dict] = [
    {
        "slug": "kpi-literacy",
        "name": "Service metrics",
        "description": (
            "Reading CSAT, FCR, AHT, SLA adherence, queue performance and QA scores, and "
            "knowing what a combination of them says about how the team is really doing."
        ),
    },
    {
        "slug": "coaching",
        "name": "Coaching & feedback",
        "description": (
            "Finding the cause before acting, running useful 1:1s and reviews, and giving "
            "feedback that is tied to a concrete outcome."
        ),
    },
    {
        "slug": "escalations",
        "name": "Escalation handling",
        "description": (
            "Weighing the risk and policy impact of a difficult case, calming tense "
            "conversations and guiding agents through complex situations to a resolution."
        ),
    },
    {
        "slug": "cross-team",
        "name": "Cross-department coordination",
        "description": (
            "Agreeing escalation paths, response times and clear ownership with product, "
            "billing and technical teams, and keeping them working through regular syncs."
        ),
    },
    {
        "slug": "workforce",
        "name": "Queue & workforce management",
        "description": (
            "Planning schedules and coverage, getting through peak hours, handling time-off "
            "and moving capacity between channels when demand shifts."
        ),
    },
    {
        "slug": "quality",
        "name": "Quality monitoring",
        "description": (
            "Reviewing tickets and calls against a scorecard and calibrating reviewers, so "
            "service stays consistent across agents and channels."
        ),
    },
    {
        "slug": "sop-knowledge",
        "name": "SOPs & knowledge management",
        "description": (
            "Following, writing and maintaining SOPs and knowledge base articles, so the "
            "whole team works from one up-to-date source."
        ),
    },
    {
        "slug": "change-mgmt",
        "name": "Change & tool adoption",
        "description": (
            "Introducing new systems and process changes with proper hands-on training, and "
            "turning resistance into real adoption."
        ),
    },
    {
        "slug": "complaints",
        "name": "Complaint handling standards",
        "description": (
            "Receiving, investigating and answering complaints in a structured, fair and "
            "traceable way, in the spirit of ISO 10002 and ISO 23592."
        ),
    },
    {
        "slug": "reporting",
        "name": "Reporting & root-cause analysis",
        "description": (
            "Building dashboards, spotting trends, tracing recurring issues back to their "
            "cause and reporting clearly to management."
        ),
    },
    {
        "slug": "team-health",
        "name": "Team morale & development",
        "description": (
            "Looking after morale, workload and work-life balance, and supporting career "
            "growth with regular, honest feedback."
        ),
    },
    {
        "slug": "communication",
        "name": "Communication & empathy",
        "description": (
            "Writing and speaking clearly, showing empathy and keeping a customer-centred "
            "tone in every channel."
        ),
    },
]

# ---------------------------------------------------------------------------
# Role profiles (career ladder)
# ---------------------------------------------------------------------------

ROLE_PROFILES: list[dict] = [
    {
        "slug": "agent",
        "name": "Customer Service Agent",
        "description": (
            "Answers customers across channels, follows the SOPs and knowledge base, and "
            "knows when to hand a case on."
        ),
        "targets": {
            "communication": 0.6,
            "sop-knowledge": 0.6,
            "complaints": 0.5,
            "escalations": 0.5,
            "kpi-literacy": 0.5,
        },
    },
    {
        "slug": "senior-agent",
        "name": "Senior Customer Service Agent",
        "description": (
            "Takes the harder cases, helps newer colleagues and contributes to quality "
            "reviews and knowledge base upkeep."
        ),
        "targets": {
            "communication": 0.7,
            "sop-knowledge": 0.7,
            "complaints": 0.6,
            "escalations": 0.65,
            "kpi-literacy": 0.6,
            "quality": 0.5,
            "coaching": 0.45,
        },
    },
    {
        "slug": "lead",
        "name": "Customer Service Lead",
        "description": (
            "Owns a team of agents: coaches them, watches quality and service metrics, "
            "manages the queue and works with other departments to get cases resolved."
        ),
        "targets": {
            "kpi-literacy": 0.75,
            "coaching": 0.75,
            "escalations": 0.75,
            "cross-team": 0.65,
            "workforce": 0.7,
            "quality": 0.7,
            "sop-knowledge": 0.7,
            "change-mgmt": 0.6,
            "complaints": 0.7,
            "reporting": 0.65,
            "team-health": 0.7,
            "communication": 0.8,
        },
    },
    {
        "slug": "head-of-cx",
        "name": "Head of Customer Experience",
        "description": (
            "Sets the service strategy across teams and channels, reports to management and "
            "leads the people who lead the teams."
        ),
        "targets": {
            "kpi-literacy": 0.9,
            "coaching": 0.85,
            "escalations": 0.8,
            "cross-team": 0.85,
            "workforce": 0.8,
            "quality": 0.8,
            "sop-knowledge": 0.75,
            "change-mgmt": 0.85,
            "complaints": 0.8,
            "reporting": 0.9,
            "team-health": 0.85,
            "communication": 0.85,
        },
    },
]

# ---------------------------------------------------------------------------
# SOP bodies
# ---------------------------------------------------------------------------

_ESCALATION_V1 = """\
This procedure explains when an agent hands a case to a lead or specialist, and what happens
next. The goal is simple: a customer with a risky or stuck case gets one clear owner quickly,
and never has to tell their story twice.

## When this applies

- The customer asks for a manager, or the conversation is heated and you cannot calm it
  within a few minutes.
- The case involves a refund or credit above your approval limit, a legal threat, a safety
  issue or a possible data-protection problem.
- The fix needs a decision that falls outside policy.
- The same customer has contacted us three times about the same issue without a resolution.

## Steps

1. Acknowledge the customer's frustration and tell them what happens next and by when.
2. Check the severity table below and set the ticket priority to match.
3. Write an internal note: what the customer wants, what you have tried, which policy is at
   stake.
4. Tag the ticket `escalated` and assign it to the lead on shift or the escalation queue.
5. The lead answers the agent within the response time in the table, then either takes
   ownership or gives guidance.
6. The owner updates the customer at least once a day until the case is resolved, even when
   there is no news.
7. After closing, the lead adds a one-line root cause so the case shows up in reporting.

### Severity levels

| Level | Example | Lead response |
|---|---|---|
| S1 | Safety issue, legal threat, data exposure | 15 minutes |
| S2 | Refund above limit, repeated failure | 1 hour |
| S3 | Manager requested, no extra risk | 4 hours |

## Good to know

- Escalating is not failing. Escalating late is.
- Never promise an outcome the owner has not agreed to.
- If the lead on shift is unavailable for an S1, go straight to the duty manager.
"""

_ESCALATION_V2 = """\
This procedure explains when an agent hands a case to a lead or specialist, and what happens
next. The goal is simple: a customer with a risky or stuck case gets one clear owner quickly,
and never has to tell their story twice.

## When this applies

- The customer asks for a manager, or the conversation is heated and you cannot calm it
  within a few minutes.
- The case involves a refund or credit above your approval limit, a legal threat, a safety
  issue or a possible data-protection problem.
- The fix needs a decision that falls outside policy.
- The same customer has contacted us twice about the same issue without a resolution.

## Steps

1. Acknowledge the customer's frustration and tell them what happens next and by when.
2. Check the severity table below and set the ticket priority to match.
3. Write an internal note: what the customer wants, what you have tried, which policy is at
   stake.
4. Tag the ticket `escalated` and assign it to the lead on shift or the escalation queue.
5. The lead answers the agent within the response time in the table, then either takes
   ownership or gives guidance.
6. Tell the customer the name of the person who now owns the case.
7. The owner updates the customer at least once a day until the case is resolved, even when
   there is no news.
8. After closing, the lead adds a one-line root cause so the case shows up in reporting.

### Severity levels

| Level | Example | Lead response |
|---|---|---|
| S1 | Safety issue, legal threat, data exposure | 15 minutes |
| S2 | Refund above limit, repeated failure | 30 minutes |
| S3 | Manager requested, no extra risk | 4 hours |

## Good to know

- Escalating early is good practice. Escalating late is the real risk.
- Never promise an outcome the owner has not agreed to.
- If the lead on shift is unavailable for an S1, go straight to the duty manager.
"""

_PEAK_V1 = """\
This procedure keeps waiting times within our promised service levels when contact volume
spikes. The rule of thumb: move the capacity you already have first, and only ask for extra
hours when that is not enough.

## When this applies

- A queue's wait time stays above its trigger in the table below for 10 minutes in a row.
- A known peak is coming (Monday mornings, the day after a release, sale days) and the lead
  on shift is planning ahead.

| Channel | SLA target | Act when |
|---|---|---|
| Phone | 80% answered within 60 seconds | wait passes 3 minutes |
| Chat | 80% answered within 90 seconds | wait passes 4 minutes |
| Email | First reply within 8 hours | oldest ticket passes 6 hours |

## Steps

1. During known peak windows, the lead on shift checks the live dashboard every 30 minutes.
2. When a queue passes its trigger, move agents from the quietest channel (usually email) to
   the busy one, starting with people already trained for that channel.
3. Post a short note in the team channel: who moved, to which queue, for how long.
4. Pause work that can wait, such as backlog tidy-up, but keep scheduled coaching unless the
   queue is still over its trigger after 30 minutes.
5. If the queue is still over its trigger after 45 minutes, ask the workforce planner for
   overtime or cover from another team.
6. When wait times have been back under the trigger for 20 minutes, return agents to their
   home channel.
7. Log the peak in the shift report: start, end, longest wait and what you did.

## Good to know

- Moving capacity is the first move. Overtime is the last resort, not the opening one.
- Cancelling all coaching and QA for the day costs more over a month than a short wait does.
- Keep the email backlog visible: agents who moved must come back before it ages.
"""

_PEAK_V2 = """\
This procedure keeps waiting times within our promised service levels when contact volume
spikes. The rule of thumb: move the capacity you already have first, and only ask for extra
hours when that is not enough.

## When this applies

- A queue's wait time stays above its trigger in the table below for 10 minutes in a row.
- A known peak is coming (Monday mornings, the day after a release, sale days) and the lead
  on shift is planning ahead.

| Channel | SLA target | Act when |
|---|---|---|
| Phone | 80% answered within 60 seconds | wait passes 3 minutes |
| Chat | 80% answered within 90 seconds | wait passes 3 minutes |
| Email | First reply within 8 hours | oldest ticket passes 6 hours |

## Steps

1. During known peak windows, the lead on shift checks the live dashboard every 30 minutes.
2. When a queue passes its trigger, move agents from the quietest channel (usually email) to
   the busy one, starting with people already trained for that channel.
3. Post a short note in the team channel: who moved, to which queue, for how long.
4. Switch on the expected-wait message on the website and phone menu so customers know what
   to expect.
5. Pause work that can wait, such as backlog tidy-up, but keep scheduled coaching unless the
   queue is still over its trigger after 30 minutes.
6. If the queue is still over its trigger after 30 minutes, ask the workforce planner for
   overtime or cover from another team.
7. When wait times have been back under the trigger for 20 minutes, return agents to their
   home channel and switch the wait message off.
8. Log the peak in the shift report: start, end, longest wait and what you did.

## Good to know

- Moving capacity is the first move. Overtime is the last resort, not the opening one.
- Cancelling all coaching and QA for the day costs more over a month than a short wait does.
- Keep the email backlog visible: agents who moved must come back before it ages.
"""

_QA = """\
This procedure covers how we pick interactions for review, score them against the scorecard,
and keep reviewers aligned so that a score means the same thing whoever gives it. QA exists
to improve service, not to catch people out.

## When this applies

- Every week, for every agent who handled customer contacts.
- Once a month, for the calibration session attended by everyone who reviews.

## Steps

1. Each week, sample at least 5 interactions per agent. Mix channels and include at least one
   escalated or low-CSAT case.
2. Score each interaction against the current scorecard. For every failed criterion, record
   a finding: agent, interaction reference, criterion, severity and a short note.
3. Share the review with the agent within 3 working days, starting with what went well.
4. Each finding maps to a skill. Repeated fails on the same criterion assign training
   automatically, with a deadline.
5. Once a month, every reviewer scores the same 3 interactions independently.
6. In the calibration session, compare the scores and discuss any criterion where reviewers
   differ by more than 10 points. Agree a ruling.
7. Add each ruling to the scorecard guidance the same day so it sticks.

### Severity of a finding

| Severity | Meaning | Example |
|---|---|---|
| Critical | Risk to the customer, money or data | Account details shared unverified |
| Major | Wrong or missing resolution | Outdated refund policy quoted |
| Minor | Slip that did not change the outcome | No summary before closing |

## Good to know

- The team target for QA score is 85% or higher.
- A QA score opens a conversation; it is not a verdict.
- Do not only review bad tickets. The sample should look like normal work.
"""

_CROSS_TEAM = """\
This procedure sets out which department owns which kind of problem when support cannot solve
it alone, how to hand a case over, and how quickly each team has agreed to respond. Support
stays the single voice to the customer throughout.

## When this applies

- The fix needs billing, technical support or product to act.
- You have checked the knowledge base and, if unsure, asked your lead.

## Steps

1. Open a linked handover ticket in the other team's queue. Do not rely on direct messages
   to individuals.
2. Include the customer impact, the account or order reference, steps to reproduce if it is
   technical, what you already tried and exactly what you need.
3. Set your own ticket to On hold and note the handover reference in an internal note.
4. Tell the customer which team is involved and when they can expect news, using the table.
5. Keep ownership of the customer: you send the updates, even when the other team does the
   work.
6. If the other team misses its target, flag it to your lead. The lead raises it at the
   weekly sync rather than having agents chase repeatedly.
7. At the weekly sync, review open handovers, missed targets and recurring issues. Every
   action gets one named owner and a date.

| Team | Owns | First response | Resolution |
|---|---|---|---|
| Billing | Refunds, invoices, failed payments | 4 working hours | 2 working days |
| Technical support | Bugs, outages, integrations | 2 hours | By severity |
| Product | Feature gaps, feedback | 2 working days | Monthly review |

## Good to know

- During a confirmed outage, technical support responds within 30 minutes.
- Chasing harder does not fix a structural delay. Agreeing expectations does.
- The agreed targets are reviewed with each department every quarter.
"""

_TOOL_ROLLOUT = """\
This procedure describes how we introduce a new support system, or a major change to one, so
that the team actually adopts it. Most rollouts fail on people, not on technology, so most of
the steps are about training and communication.

## When this applies

- A new helpdesk, CRM, telephony or knowledge tool is introduced.
- A major version or a process change alters how agents work every day.

## Steps

1. Name a rollout owner and one champion per team at least 4 weeks before go-live.
2. Explain why the change is happening, starting with what gets easier for agents, not only
   for management.
3. Run hands-on sessions in a practice environment with real, anonymised ticket examples, with
   no more than 8 people per session.
4. Publish updated SOPs and knowledge base articles before go-live, not after.
5. Go live with a small pilot group for one week and collect their issues every day.
6. Roll out to everyone. Champions sit with their teams for the first 3 days.
7. Track adoption and service metrics (AHT, FCR, CSAT) weekly for a month. A short rise in
   AHT is normal while people learn.
8. Switch off the old system on a fixed date that was announced at the start.

## Good to know

- Resistance usually means "I don't see how this helps me" or "I'm worried I'll look slow".
  Answer it with more hands-on time and by showing how their own workflow improves.
- Do not push adoption through performance management, and do not let individuals stay on
  the old tool. Both split the team and slow everyone down.
- Give people a place to report problems and show them what was fixed.
"""

_COMPLAINTS = """\
This procedure describes how we receive, log, investigate and answer complaints, in the spirit
of ISO 10002 for complaint handling and ISO 23592 for service excellence: complaining should
be easy, the answer fair and visible, and every complaint a chance to improve.

## When this applies

Any time a customer expresses dissatisfaction and expects a response or a fix, in any channel,
whether or not they use the word "complaint".

## Steps

1. Acknowledge the complaint, thank the customer and give them a reference number.
2. Tag the ticket `complaint` and choose a category: product, service, billing or staff.
3. Assess severity and urgency, and check whether the customer is at any risk.
4. Investigate using facts: ticket history, recordings and input from other teams.
5. Decide on a remedy within policy. Escalate if the right answer falls outside it.
6. Reply with the outcome, the reasons for it and what we will change to prevent a repeat.
7. Ask whether the customer is satisfied. If not, explain how they can take it further.
8. Close the ticket and record the root cause category.

| Stage | Target |
|---|---|
| Acknowledgement | Within 1 working day |
| Full response | Within 5 working days |
| Updates if it takes longer | Every 3 working days |

## Good to know

- Similar complaints get similar treatment, whatever the channel and however loud the
  customer is.
- Share personal details from a complaint only with people who need them.
- The monthly complaint report groups root causes so recurring problems get fixed.
- A complaint is free advice about where our service breaks.
"""

_COACHING = """\
This procedure sets the rhythm and shape of coaching conversations between leads and agents.
Regular 1:1s help each person grow and raise problems early; performance reviews then become
a summary of what was already discussed, with no surprises.

## When this applies

- Every agent has a 1:1 with their lead every 2 weeks.
- Every agent has a formal performance review every 6 months.
- An extra conversation is due when a metric moves sharply, in either direction.

| Conversation | How often | Length |
|---|---|---|
| 1:1 | Every 2 weeks | 30 minutes |
| Career conversation | Every quarter | 45 minutes |
| Performance review | Every 6 months | 60 minutes |

## Steps

1. Prepare: look at the agent's CSAT, FCR, AHT and QA findings, and read 3 to 5 of their
   recent conversations. Diagnose before you act.
2. Start with the agent's own topics.
3. Discuss one or two focus points, each backed by a concrete example.
4. Agree an action with a measurable outcome and a date, for example "FCR on billing contacts
   from 62% to 70% within 4 weeks".
5. Ask about workload and wellbeing, and about career goals at least once a quarter.
6. Write a short note in the shared 1:1 record on the same day.
7. For a performance review, summarise six months of notes. Nothing in it should be new to
   the agent.

## Good to know

- A sudden drop in a strong agent's numbers is a question, not a verdict. Find out what
  changed before deciding anything.
- Make praise as specific as corrective feedback.
- In a busy week, shorten a 1:1 rather than cancel it.
"""

_FIRST_WEEK_V1 = """\
This procedure describes the first week for every new customer service agent: what you do,
what your lead does, and what "done" looks like. By Friday you should know your tools, know
where the rules live and have seen an experienced colleague at work.

## When this applies

Every new agent in their first five working days, including people moving in from another
team.

## Steps

1. Day 1: get your accounts and check you can log in to the helpdesk, the knowledge base and
   the chat tool.
2. Day 1: read this SOP and acknowledge it in Readiness.
3. Day 1: meet your lead and agree how and when to ask questions.
4. Day 2: complete the "Service metrics" module.
5. Day 3: shadow a senior agent for at least half a day and note three things you would do the
   same way.
6. Day 4: complete the "Helpdesk tool basics" module.
7. Day 5: short check-in with your lead to review the week and plan week 2, when you take
   your first supervised tickets.

### Words you will hear this week

| Term | Meaning |
|---|---|
| CSAT | Share of customers who say they are satisfied (%) |
| FCR | Share of issues solved on the first contact (%) |
| AHT | Average handle time per contact (minutes) |
| SLA | The response or resolution time we promise |

## Good to know

- You will not handle live tickets on your own in week 1.
- Readiness reminds you 3 days before a task is due, 1 day after it becomes overdue, and then
  every 7 days until it is done.
- Ask questions early. Nobody expects you to know the product yet.
"""

_FIRST_WEEK_V2 = """\
This procedure describes the first week for every new customer service agent: what you do,
what your lead does, and what "done" looks like. By Friday you should know your tools, know
where the rules live and have seen an experienced colleague at work.

## When this applies

Every new agent in their first five working days, including people moving in from another
team.

## Steps

1. Day 1: get your accounts and check you can log in to the helpdesk, the knowledge base and
   the chat tool.
2. Day 1: read this SOP and acknowledge it in Readiness.
3. Day 1: meet your lead and agree how and when to ask questions.
4. Day 2: complete the "Service metrics" module.
5. Day 2: join the team stand-up and read the five most-used macros.
6. Day 3: shadow a senior agent for a full day and note three things you would do the same
   way.
7. Day 4: complete the "Helpdesk tool basics" module.
8. Day 5: 30-minute check-in with your lead, who signs off your week-1 tasks and plans week 2,
   when you take your first supervised tickets.

### Words you will hear this week

| Term | Meaning |
|---|---|
| CSAT | Share of customers who say they are satisfied (%) |
| FCR | Share of issues solved on the first contact (%) |
| AHT | Average handle time per contact (minutes) |
| SLA | The response or resolution time we promise |

## Good to know

- You will not handle live tickets on your own in week 1.
- Readiness reminds you 3 days before a task is due, 1 day after it becomes overdue, and then
  every 7 days until it is done.
- Ask questions early. Nobody expects you to know the product yet.
"""

_FIRST = "First version."

SOPS: list[dict] = [
    {
        "slug": "escalation-handling",
        "title": "Escalation handling",
        "versions": [
            {"body": _ESCALATION_V1, "change_summary": _FIRST, "requires_reack": False},
            {
                "body": _ESCALATION_V2,
                "change_summary": (
                    "S2 lead response cut from 1 hour to 30 minutes; repeat-contact trigger "
                    "lowered from three contacts to two; new step to tell the customer who "
                    "owns the case."
                ),
                "requires_reack": True,
            },
        ],
    },
    {
        "slug": "peak-hour-queue-management",
        "title": "Peak-hour queue management",
        "versions": [
            {"body": _PEAK_V1, "change_summary": _FIRST, "requires_reack": False},
            {
                "body": _PEAK_V2,
                "change_summary": (
                    "Chat trigger lowered from 4 to 3 minutes; overtime request now after "
                    "30 minutes instead of 45; new step to switch on the expected-wait message."
                ),
                "requires_reack": False,
            },
        ],
    },
    {
        "slug": "qa-review-and-calibration",
        "title": "QA review and calibration",
        "versions": [
            {"body": _QA, "change_summary": _FIRST, "requires_reack": False},
        ],
    },
    {
        "slug": "cross-department-escalation-paths",
        "title": "Cross-department escalation paths and SLAs",
        "versions": [
            {"body": _CROSS_TEAM, "change_summary": _FIRST, "requires_reack": False},
        ],
    },
    {
        "slug": "rolling-out-a-new-support-tool",
        "title": "Rolling out a new support tool",
        "versions": [
            {"body": _TOOL_ROLLOUT, "change_summary": _FIRST, "requires_reack": False},
        ],
    },
    {
        "slug": "complaint-handling",
        "title": "Complaint handling",
        "versions": [
            {"body": _COMPLAINTS, "change_summary": _FIRST, "requires_reack": False},
        ],
    },
    {
        "slug": "coaching-one-to-ones",
        "title": "Coaching 1:1s and performance reviews",
        "versions": [
            {"body": _COACHING, "change_summary": _FIRST, "requires_reack": False},
        ],
    },
    {
        "slug": "new-agent-first-week",
        "title": "New-agent first week",
        "versions": [
            {"body": _FIRST_WEEK_V1, "change_summary": _FIRST, "requires_reack": False},
            {
                "body": _FIRST_WEEK_V2,
                "change_summary": (
                    "Shadowing extended from half a day to a full day; new day-2 step to read "
                    "the most-used macros; the lead now signs off week-1 tasks at the Friday "
                    "check-in."
                ),
                "requires_reack": True,
            },
        ],
    },
]

# ---------------------------------------------------------------------------
# Training modules
# ---------------------------------------------------------------------------

MODULES: list[dict] = [
    {
        "slug": "service-metrics",
        "title": "Service metrics",
        "summary": (
            "What CSAT, FCR, AHT, SLA adherence and QA score measure, and how to read them "
            "together to find out what is really happening in a team."
        ),
        "skills": ["kpi-literacy", "reporting"],
        "estimated_minutes": 40,
        "sops": [],
        "lessons": [
            {
                "title": "The five numbers on every dashboard",
                "body": """\
Every support team watches the same handful of numbers. You will hear them in stand-ups, see
them on the wall screen and find them in your own reviews, so it pays to know exactly what
each one measures.

| Metric | What it measures | Unit |
|---|---|---|
| CSAT | Share of surveyed customers who said they were satisfied | % |
| FCR | Share of issues solved on the first contact, with no follow-up | % |
| AHT | Average time spent on one contact, including the notes after it | minutes |
| SLA adherence | Share of contacts answered or solved within the promised time | % |
| QA score | How well interactions meet the team's scorecard | % |

A few things to keep in mind:

- **CSAT** comes from surveys, so it only reflects the customers who chose to answer.
- **FCR** is about the customer's problem, not the ticket. If the same person writes back
  about the same issue two days later, the first contact did not solve it.
- **AHT** is neither good nor bad on its own. Short can mean efficient, or rushed.
- **SLA adherence** is a promise to the customer, which is why it is usually the first number
  to turn red at peak times.

**Example:** your dashboard shows CSAT 88%, FCR 71%, AHT 7.5 minutes, SLA adherence 93% and
QA score 86%. In plain words: most customers are happy, about seven in ten problems are
solved first time, a typical contact takes under eight minutes, we almost always keep our
response promise, and our work mostly meets the scorecard.
""",
            },
            {
                "title": "Reading metrics in combination",
                "body": """\
One metric tells you where to look. Two or three together tell you what is probably going
on. Get into the habit of reading them in pairs.

| Pattern | Likely meaning |
|---|---|
| Low FCR, strong AHT | Contacts close fast, but the real problem is missed |
| High FCR, high AHT | Thorough work; check whether tools or knowledge slow people down |
| High QA score, falling CSAT | The scorecard misses something, or a policy upsets customers |
| Good SLA adherence, low CSAT | We answer on time, but the answers do not help |
| Falling SLA adherence, steady AHT | Usually staffing or scheduling, not agent skill |

The first row is the one leads are asked about most. When FCR is low and handle times look
great, the conclusion is **not** that agents are too slow, and it is not that FCR matters less
than AHT. It means speed is being bought at the cost of resolution: customers come back, and
every repeat contact costs another handle time and another unhappy moment.

**Example:** Priya's team has the lowest AHT in the centre at 5 minutes, but FCR is only 58%.
You pull ten of their repeat contacts and see the same thing each time: the agent answered
the question that was asked, but not the reason behind it. The fix is coaching on probing
questions, not a push for even shorter contacts.
""",
            },
            {
                "title": "From a number to a root cause",
                "body": """\
A metric moves. Before you react, find out why. A short routine stops you chasing noise.

1. **Check the trend, not the day.** Look at two to four weeks. One bad Tuesday is rarely a
   pattern.
2. **Split it.** Break the number down by channel, contact reason, shift and agent. Most drops
   live in one slice.
3. **Read the conversations.** Open ten or so interactions from the slice that moved. Numbers
   tell you where; transcripts tell you why.
4. **Name a cause you can test.** "The new returns policy is confusing" can be checked.
   "Agents are not trying" cannot.
5. **Check again after the fix.** Put a date in your calendar to look at the same slice.

**Example:** CSAT fell from 87% to 80% over three weeks. Split by contact reason, billing
contacts dropped to 64% while everything else stayed flat. Reading twelve billing
conversations shows that a new invoice layout confuses customers about their due date. You
raise it with the billing team, add a short knowledge base article with a screenshot, and
look at billing CSAT again two weeks later.
""",
            },
            {
                "title": "Reporting upwards",
                "body": """\
Management does not need every number. They need the story behind the numbers and what you
are doing about it. A good weekly or monthly report fits on one page:

- **Headline:** one sentence on how the period went.
- **Key metrics:** CSAT, FCR, AHT, SLA adherence and QA score, each next to the previous
  period.
- **What moved and why:** two or three bullets, each with the root cause you found.
- **Actions:** what you are doing, who owns it and by when.
- **Asks:** the help you need from other teams or from management.

Keep the same layout every time so readers can compare periods at a glance, and say plainly
when a cause is still a guess rather than a finding.

**Example:** "Chat SLA adherence fell to 84% (last month 92%). Cause: two agents on long leave
were not covered in the rota. Action: one email agent moves to chat on Monday and Tuesday
mornings from next week (owner: Sam). Ask: approval to cross-train two billing agents on
chat."
""",
            },
        ],
    },
    {
        "slug": "helpdesk-tool-basics",
        "title": "Helpdesk tool basics",
        "summary": (
            "Finding your work in views and queues, filling in ticket fields, writing internal "
            "notes, using macros well and linking the knowledge base."
        ),
        "skills": ["sop-knowledge", "communication"],
        "estimated_minutes": 35,
        "sops": ["new-agent-first-week"],
        "lessons": [
            {
                "title": "Views and queues: where your work lives",
                "body": """\
The helpdesk shows tickets through **views**: saved filters such as "My open tickets",
"Unassigned - chat" or "Waiting on customer". A **queue** is the pool of work for a team or
channel, and it is what your lead watches on the live dashboard.

When you start a shift:

1. Open your personal view first and deal with anything close to breaching its SLA timer.
2. Then take new work from the queue your lead assigned you to, oldest or highest priority
   first, depending on your team's rule.
3. Do not cherry-pick easy tickets. It leaves the hard ones to age and pulls down SLA
   adherence for everyone.

The countdown next to each ticket shows how long is left before the promised response time.
Red means it has already breached: it still needs an answer, and quickly.

**Example:** you log in at 9:00. Your view shows two tickets waiting for a customer reply and
one open ticket with 20 minutes left on its timer. You answer the open one first, then pull
from the "Email - general" queue, as your lead asked in the stand-up.
""",
            },
            {
                "title": "Ticket fields, status and tags",
                "body": """\
Every ticket carries fields that drive routing and reporting. Filling them in carefully is
part of the job, not admin on top of it.

| Field | What to set |
|---|---|
| Status | New, Open, Pending (waiting on customer), On hold (other team), Solved |
| Priority | Impact and urgency, not how loud the customer is |
| Contact reason | The real cause from the list, e.g. "Billing - refund" |
| Tags | Extra labels such as `escalated`, `complaint`, `bug-suspected` |

Contact reasons and tags feed the dashboards your lead uses to find root causes. If half the
team picks "Other", nobody can see that refund questions doubled this week.

Set the status honestly. **Pending** is for when you really are waiting on the customer.
Parking a ticket on pending to hide it from the queue makes both SLA and FCR numbers wrong.

**Example:** a customer writes that they were charged twice. You choose the contact reason
"Billing - duplicate charge", keep priority at Normal, add the tag `billing-handover` and put
the ticket On hold while the billing team checks the payment.
""",
            },
            {
                "title": "Internal notes and macros",
                "body": """\
**Internal notes** are visible only to colleagues. Use them for anything the next person
needs: what you checked, what you promised, what is still open. A good note saves the customer
from repeating themselves. It answers three questions:

- What does the customer want?
- What have I already tried or checked?
- What is the next step, and who owns it?

**Macros** are saved replies and actions, for example a reply text plus a tag and a status
change. They save time and keep answers in line with the SOPs, but they are a starting point:

- Read the macro before sending and adjust it to the customer's situation.
- Use the customer's name and add one sentence that shows you read their message.
- If a macro is out of date, tell your lead instead of quietly editing around it.

**Example:** you pick the "Password reset - steps" macro. Before sending, you delete the
paragraph about the mobile app, because the customer said they only use the website, and you
open with: "Sorry you were locked out right before your order deadline."
""",
            },
            {
                "title": "Linking the knowledge base",
                "body": """\
The knowledge base holds the approved answers to common questions. Linking it from tickets
keeps answers consistent and shows which articles are really used.

- **Search before you answer** anything you are not sure about. Guessing is how wrong
  information spreads.
- **Link the article in your internal note**, so a reviewer can see where your answer came
  from.
- **Send the customer the public version** when it helps them help themselves next time.
- **Flag problems.** If an article is unclear, outdated or missing, flag it and say what is
  wrong. Article owners review flags every week.

Treat the knowledge base the way you treat SOPs: it is only useful if the team follows it and
keeps it current.

**Example:** a customer asks how to change their delivery address after ordering. You find the
article and link it in your internal note, then notice it still gives a 2-hour cut-off,
although the team was told last week it is now 1 hour. You answer with the correct cut-off
and flag the article with a one-line note.
""",
            },
        ],
    },
    {
        "slug": "handling-escalations",
        "title": "Handling escalations and complaints",
        "summary": (
            "Recognising when a case needs to go up, calming tense conversations, handling "
            "formal complaints and guiding colleagues through difficult cases."
        ),
        "skills": ["escalations", "complaints", "communication"],
        "estimated_minutes": 45,
        "sops": ["escalation-handling", "complaint-handling"],
        "lessons": [
            {
                "title": "Recognising when to escalate",
                "body": """\
Escalating is a judgement about **risk**, **policy impact** and **your own authority**, not
about how difficult the customer is being. Ask yourself three questions:

1. Could this harm the customer, the company or someone's data if it goes wrong?
2. Does the fix need a decision outside policy or above my approval limit?
3. Have I already tried the normal routes without result?

If any answer is yes, follow the escalation SOP: set the severity, write an internal note,
tag the ticket and assign it.

| Signal | Usually |
|---|---|
| Legal threat, safety issue, data exposure | Escalate at once (S1) |
| Refund above your limit, repeated failure | Escalate (S2) |
| Manager requested, no extra risk | Try to resolve first; escalate if they insist (S3) |

**Example:** a customer reports that a replacement charger got very hot while in use. They are
polite and not asking for a manager. It is still an S1: it is a safety issue, so you escalate
straight away, even though the conversation itself is calm.
""",
            },
            {
                "title": "De-escalating a tense conversation",
                "body": """\
When a customer is angry, they are rarely ready to hear facts. Your first job is to bring the
temperature down so the conversation can become useful.

- **Let them finish.** Interrupting tells them you are not listening.
- **Acknowledge both the feeling and the fact.** "You waited a week for a refund you were
  promised. I understand why you're frustrated."
- **Own the next step,** even if another team caused the problem.
- **Offer a concrete action and a time.** Vague comfort such as "we're looking into it" makes
  things worse.
- **Stay calm in writing too.** Short sentences, no capitals, no blame.

Avoid arguing about who is right, opening with a policy quote, and promising something only
someone else can approve.

**Example:**

> Customer: This is the third time I'm writing. Nobody reads anything!
>
> You: I'm sorry you've had to explain this three times; that shouldn't happen. I've read
> the whole thread. Your refund of 49.90 was approved on the 3rd but never sent. I've asked
> billing to release it today, and I'll message you by 5 pm to confirm it has gone out.
""",
            },
            {
                "title": "Handling a formal complaint",
                "body": """\
A complaint is any sign of dissatisfaction where the customer expects an answer. Handling it
well follows the same shape every time, in the spirit of ISO 10002: make complaining easy,
respond fairly and visibly, and learn from what you hear.

1. **Acknowledge** within one working day and give a reference number.
2. **Log** it with the `complaint` tag and a category.
3. **Investigate** with facts: ticket history, recordings, notes from other teams.
4. **Decide and explain** the outcome within policy, escalating if it falls outside.
5. **Close the loop:** ask whether the customer is satisfied, and explain how to take it
   further if not.
6. **Record the root cause** so the monthly complaint report can show patterns.

Treat similar complaints the same way, whatever the channel and however loudly they are
made. Fairness is part of the standard, not an extra.

**Example:** two customers complain about the same late delivery, one in a public social post
and one by email. Both get the same apology and the same delivery refund, and both tickets
get the root cause "carrier delay - depot X", so the pattern shows up in the monthly report.
""",
            },
            {
                "title": "Guiding a colleague through a complex case",
                "body": """\
As a senior agent or lead, you are often the person an agent turns to mid-case. Your aim is
to help them solve it and learn from it, not to take over every time.

Ask before you answer:

- "What does the customer actually want?"
- "What have you tried, and what happened?"
- "What is the risk if we get this wrong?"
- "What does the policy say, and does it fit this case?"

Then decide together whether the agent carries on with your guidance or whether you take
ownership. Take it over when the risk is high or the decision is above their authority.
Otherwise coach them through it and stay within reach.

Afterwards, spend two minutes on a debrief: what went well, and what they would do
differently next time. Those two minutes are what turn an escalation into a skill.

**Example:** Leo asks you to take over a business customer who is threatening to cancel their
contract. You ask what the customer wants, and Leo realises it is a credit for two days of
downtime, which is within his own approval limit. He handles it himself and copies you on
the reply.
""",
            },
        ],
    },
    {
        "slug": "coaching-conversations",
        "title": "Coaching conversations",
        "summary": (
            "Diagnosing before acting, giving feedback tied to outcomes, and running 1:1s that "
            "support morale and career growth."
        ),
        "skills": ["coaching", "team-health"],
        "estimated_minutes": 40,
        "sops": ["coaching-one-to-ones"],
        "lessons": [
            {
                "title": "Diagnose before you act",
                "body": """\
When an agent's numbers drop, it is tempting to go straight to a conversation about
performance. Resist it. The first step is always to understand what changed.

A quick diagnostic routine:

1. **Look at the trend** over two to four weeks, not a single day.
2. **Read their recent conversations,** five to ten of them, including the low-scoring ones.
3. **Check what else changed:** new contact types, a policy update, a new tool, a different
   shift, or something personal they may have mentioned.
4. **Form a hypothesis,** then test it in the 1:1 with open questions.

Two common mistakes are a formal warning straight away and quietly taking channels away from
the agent. Both treat the symptom, damage trust and leave the cause untouched.

**Example:** Amira, one of your strongest agents, has seen CSAT fall from 94% to 81% over two
weeks. In her transcripts, most low scores come from subscription-pause requests, where she
quotes the old policy. In the 1:1 you share what you saw; she explains she missed the update
while on leave. You agree she will read the new SOP version, and you will check her next ten
subscription tickets.
""",
            },
            {
                "title": "Feedback that changes something",
                "body": """\
Useful feedback is specific, linked to an outcome and points to a next step. A simple
structure helps:

- **Situation:** which interaction or period you mean.
- **Behaviour:** what the person did, in terms anyone could observe.
- **Impact:** what it led to for the customer, the team or a metric.
- **Next step:** what to keep or change, and how you will both know it worked.

Use the same structure for praise. "Good job this week" is pleasant; "Your summary at the end
of each outage call meant none of those customers called back" tells the person exactly what
to repeat.

Keep the balance honest. In a healthy team most feedback is positive and specific, so
corrective feedback lands as help rather than as a threat.

**Example:** "In Tuesday's chat with the customer who couldn't log in (situation), you sent
the reset link but closed the chat before checking it worked (behaviour). They came back an
hour later, which cost a second contact and counts against FCR (impact). Next time, ask them
to try the link while you're still in the chat, and let's look at your FCR on login contacts
again in two weeks (next step)."
""",
            },
            {
                "title": "1:1s, morale and growth",
                "body": """\
A 1:1 belongs to the agent more than to you. If it only ever covers metrics, people stop
bringing you the things you most need to hear.

A useful 30-minute shape, every two weeks:

| Minutes | Topic |
|---|---|
| 0-10 | Whatever the agent wants to raise |
| 10-20 | One or two focus points, each with an example |
| 20-25 | Workload, energy and anything getting in the way |
| 25-30 | Agreed actions and dates |

Once a quarter, turn part of the 1:1 into a career conversation: which skills they want to
build, whether a senior or lead role interests them, and what training would help. Their skill
gaps against the next role profile in Readiness make this concrete.

Watch for early signs of strain: shorter replies, skipped breaks, a sudden quality drop from
someone usually steady. Ask about them directly and kindly.

**Example:** in his 1:1, Jonas says he is tired of only handling email. You agree he will
shadow the chat team for two half-days next month, and because he wants to become a senior
agent, you add the "Queue and peak management" module to his plan.
""",
            },
        ],
    },
    {
        "slug": "queue-and-peak-management",
        "title": "Queue and peak management",
        "summary": (
            "Reading the live queue, moving capacity between channels when volume spikes, and "
            "planning coverage and time-off before the peak arrives."
        ),
        "skills": ["workforce", "kpi-literacy"],
        "estimated_minutes": 35,
        "sops": ["peak-hour-queue-management"],
        "lessons": [
            {
                "title": "Reading the live queue",
                "body": """\
During a shift, four things tell you whether the queue is healthy:

- **Current wait time** per channel: how long the longest-waiting customer has waited.
- **SLA adherence so far today:** the share of contacts answered within target.
- **Contacts waiting,** and whether that number has been rising for the last 15-30 minutes.
- **Agent status:** how many people are available, busy, wrapping up or on a break.

Compare the wait time with the trigger in the peak-hour SOP. A two-minute spike is noise; a
queue above its trigger for ten minutes is a signal to act.

Keep an eye on the slower channels as well. Email rarely looks urgent, but a backlog that ages
past its target quietly pulls down SLA adherence and CSAT a day later.

**Example:** at 10:15 the chat wait is 5 minutes against a 4-minute trigger and has been
rising for 12 minutes. Phone is at 40 seconds with two agents free, and email has 30 tickets,
none older than 3 hours. The dashboard is already telling you where spare capacity is and
where it is needed.
""",
            },
            {
                "title": "Moving capacity at peak",
                "body": """\
When a queue passes its trigger, your first move is to **shift agents temporarily from
quieter channels to the busy one**. It is quick, costs nothing and uses people who are
already at work.

Asking for overtime is not a first move: it takes time to arrange and it costs money.
Cancelling all coaching and QA for the day is not one either: it rescues an hour and costs
weeks of quality.

How to move people well:

1. Pick agents who are already trained for the busy channel.
2. Tell them clearly which queue, for how long, and when you will review it.
3. Post the move in the team channel so everyone knows who is where.
4. Review after 30 minutes. Once the queue has been under its trigger for 20 minutes, send
   people back to their own channel.
5. Only if moving people is not enough, ask the workforce planner for overtime or cover.

**Example:** continuing from the last lesson, you move two chat-trained phone agents into chat
for 45 minutes. Within 20 minutes the chat wait is down to 2 minutes. At 11:05 you send them
back to phone and record the peak in the shift report.
""",
            },
            {
                "title": "Planning coverage before the peak",
                "body": """\
The easiest peak is the one you planned for. Good coverage starts with data about when
customers actually contact you.

- **Forecast by hour and weekday** from the last 8-12 weeks of volume. Mondays, the day after
  a release and sale days are usually busier.
- **Fit schedules to the forecast,** not the other way round. Stagger start times so the most
  people are on when volume peaks.
- **Plan breaks and coaching outside the peak,** so they are not the first thing cancelled.
- **Handle time-off fairly.** Publish how many people can be off per day, approve in the
  order requests arrive, and protect known peak days.
- **Cross-train** a few agents per channel so you have people to move when you need them.

**Example:** your forecast shows chat volume doubles between 12:00 and 14:00 on weekdays. You
move two agents' start time from 8:00 to 10:00, schedule team coaching at 15:00, and
cross-train two email agents on chat so you have cover when someone is off sick.
""",
            },
        ],
    },
    {
        "slug": "quality-and-calibration",
        "title": "Quality reviews and calibration",
        "summary": (
            "Scoring interactions against the scorecard, keeping reviewers calibrated, and "
            "turning QA findings into training that is checked for effect."
        ),
        "skills": ["quality", "coaching"],
        "estimated_minutes": 40,
        "sops": ["qa-review-and-calibration"],
        "lessons": [
            {
                "title": "Scoring an interaction",
                "body": """\
A QA review checks one interaction against a scorecard: criteria such as verifying identity,
understanding the real issue, giving correct information, tone and closing properly. Each
failed criterion becomes a **finding**, with the agent, the interaction reference, the
criterion, a severity and a short note, and it maps to a skill.

Tips for reviewing well:

- **Read or listen to the whole interaction** before you score anything.
- **Score against the guidance,** not against how you would have handled it.
- **Write notes the agent can act on.** "Tone" is not a note; "Wrote 'as I already said'
  twice" is.
- **Pick the right severity:** critical for risk to the customer, money or data; major for a
  wrong or missing resolution; minor for slips that did not change the outcome.

**Example:** in ticket 48213 the agent issued the right refund but discussed the order before
confirming who the customer was. You record a finding: criterion "Identity verified",
severity Critical, note "Discussed order details before asking for order number and email",
skill `sop-knowledge`. The interaction scores 72%.
""",
            },
            {
                "title": "Calibration: making scores mean the same thing",
                "body": """\
If two reviewers give the same ticket 70% and 90%, agents stop trusting QA. Calibration is
how you fix that.

A monthly session:

1. Choose three interactions, ideally including one borderline case.
2. Every reviewer scores them on their own before the meeting.
3. In the session, compare scores criterion by criterion.
4. Discuss every criterion where scores differ by more than 10 points. Argue from what the
   guidance says, not from who is most senior.
5. Agree a ruling and add it to the scorecard guidance the same day.

Track the spread between reviewers over time. It should shrink as the guidance gets clearer.
If it does not, the criterion itself is probably too vague and needs rewriting.

**Example:** three reviewers marked "Empathy shown" on a call as pass, pass and fail. The
difference: one reviewer expected the agent to mention the customer's missed flight
explicitly. The group agrees that naming the specific impact is needed for a pass, and adds
that sentence and this call as an example to the guidance.
""",
            },
            {
                "title": "From findings to training that works",
                "body": """\
QA is only worth the effort if findings lead to better service. Readiness turns repeated
findings into training automatically, and then checks whether it helped.

How a rule works:

- A rule links a scorecard criterion to a lesson, for example "Identity verified" to the
  identity-check lesson.
- When an agent fails that criterion **N times within a window** (say 3 times in 30 days),
  the lesson is assigned with a completion deadline.
- A **cooldown** stops the same lesson being assigned again straight away.
- After completion, Readiness compares the agent's results on that criterion before and
  after, so you can see whether the training made a difference.

Your part as a lead is to look at that outcome. If the fails continue after the training, the
next step is a conversation, not another assignment.

**Example:** Marta fails "Correct information given" three times in three weeks, each time on
return windows. The rule assigns the returns-policy lesson, due in 7 days. She completes it
and has no further fails on that criterion over the next month. Had the fails continued, you
would have sat down with her and read two of the tickets together.
""",
            },
        ],
    },
    {
        "slug": "leading-tool-adoption",
        "title": "Leading a tool rollout",
        "summary": (
            "Introducing a new support system so the team actually uses it: understanding "
            "resistance, training hands-on and tracking adoption."
        ),
        "skills": ["change-mgmt", "communication"],
        "estimated_minutes": 30,
        "sops": ["rolling-out-a-new-support-tool"],
        "lessons": [
            {
                "title": "Why people resist a new tool",
                "body": """\
When a new system arrives, some of your team will push back. That is normal, and it is
information, not insubordination. Resistance usually comes from one of a few places:

- **"I don't see what's in it for me."** The change was explained in management terms only.
- **"I'll look slow."** Experienced agents lose their speed advantage for a few weeks.
- **"The last rollout was a mess."** Past experience shapes expectations.
- **"It really doesn't fit my work."** Sometimes the resistance points at a real gap.

Two tempting responses make things worse: pushing adoption through performance management,
and letting individuals keep the old system. The first turns a learning problem into a
disciplinary one; the second splits the team and doubles the support work.

**Example:** Dana, your most experienced agent, keeps drafting replies in a text file and
pasting them into the new helpdesk. Instead of a warning, you ask what the old way gave her.
She says she misses her personal snippets. You show her how to save them as personal macros,
and she sets up ten of them that afternoon.
""",
            },
            {
                "title": "Hands-on training that sticks",
                "body": """\
Slide decks do not teach anyone a tool. People learn by doing their real work in it, with
help close by.

- **Use a practice environment** loaded with anonymised versions of real tickets.
- **Keep groups small,** no more than 8 people, so everyone gets hands on the keyboard.
- **Start from their workflow.** Show how today's most common contact is handled in the new
  tool, step by step, before covering anything fancy.
- **Name champions** in each team who learn it early and sit with colleagues in the first
  days after go-live.
- **Update SOPs and knowledge base articles before go-live,** so nobody has to guess.

**Example:** for a new telephony system, you skip the feature tour and run a 45-minute session
where each agent handles five practice calls: a refund, a password reset, a transfer to
billing, a callback and a complaint. By the end, every agent has done the five things they
will do most often on day one.
""",
            },
            {
                "title": "Measuring adoption",
                "body": """\
A rollout is finished when the team works well in the new tool, not when the licence is
switched on. Track both usage and service quality for at least a month.

| What to watch | Why |
|---|---|
| Share of contacts handled in the new tool | Shows real adoption |
| AHT | Expect a short rise, then recovery |
| FCR and CSAT | Should not drop for long |
| Issues reported and fixed | Shows people are being heard |

Share the numbers with the team every week, including what was fixed because of their
feedback. It shows that reporting problems is worth the effort.

Set the date for switching off the old system at the start and keep to it. A moving date
tells people they can wait it out.

**Example:** two weeks after go-live, AHT is up from 7 to 9 minutes but falling, FCR is
stable, and 96% of contacts run through the new tool. The remaining 4% all come from one
workflow the new tool handles badly, so you raise it with the vendor instead of chasing
the agents.
""",
            },
        ],
    },
    {
        "slug": "working-across-teams",
        "title": "Working across departments",
        "summary": (
            "Handing cases to billing, technical and product teams cleanly, and fixing "
            "recurring delays with agreed expectations instead of chasing."
        ),
        "skills": ["cross-team", "reporting"],
        "estimated_minutes": 30,
        "sops": ["cross-department-escalation-paths"],
        "lessons": [
            {
                "title": "A handover the other team can act on",
                "body": """\
Most cross-team delays start with a handover that is missing something. The other team has
to come back with questions, and the clock runs while nobody works on the problem.

A handover the other team can act on straight away includes:

- **Customer impact:** who is affected and how badly.
- **Reference:** account, order or invoice number.
- **Evidence:** steps to reproduce, screenshots, error messages.
- **What you already tried** and what happened.
- **What you need:** a refund approved, a bug confirmed, a decision.

Send it through the agreed route, a linked ticket in their queue, not a direct message to
someone you know. Direct messages get lost when that person is off, and they never show up in
reporting.

**Example:** instead of "customer can't pay, please check", you write: "Card payment fails at
checkout for account 20417 since Monday, error 'declined by issuer' although the bank confirms
no block. Tried a second card, same error. Customer's subscription lapses on Friday. Need:
confirmation whether this is on our side."
""",
            },
            {
                "title": "Fixing a recurring delay",
                "body": """\
When another department keeps delaying resolutions, the obvious moves rarely help. Having
agents chase more often adds noise and frustration on both sides. Escalating to senior
management to put pressure on them may get one case moving, but it damages the relationship
you depend on every day.

The lasting fix is to **agree expectations together**:

1. Collect the facts: how many handovers, how long they waited, which types are slow.
2. Meet the other team's lead and look at the data together, as a shared problem.
3. Agree response and resolution targets for each type of case, and who owns what.
4. Set up a recurring sync, weekly or every two weeks, to review open cases and misses.
5. Write the agreement into the cross-department SOP so both teams work from it.

**Example:** billing refunds take 6 days on average. With the billing lead you find that half
the delay comes from missing invoice numbers in handovers. You add the field to the handover
form, agree a 2-working-day target, and review it in a 20-minute weekly sync. A month later
the average is 2.5 days.
""",
            },
            {
                "title": "Running a cross-team sync",
                "body": """\
A recurring sync keeps the agreement between two teams alive. Kept short and focused, it is
the cheapest way to stop the same problems returning.

A 20-30 minute agenda:

| Item | Time |
|---|---|
| Open handovers past their target | 10 min |
| Recurring issues and their root causes | 10 min |
| Actions from last time: done or not | 5 min |
| Anything new coming (releases, policy changes) | 5 min |

Ground rules that help:

- **Bring data,** not anecdotes: counts, times, examples.
- **One owner per action,** with a date, written down during the meeting.
- **Talk about processes, not people.** The aim is to fix the path, not to win the argument.
- **Report the trend** to management monthly, so improvements are visible on both sides.

**Example:** in the weekly sync with technical support, you bring three tickets about the same
sync error. They confirm it is a known bug with a fix planned next sprint. You agree a
knowledge base article with a workaround (owner: you, by Thursday) and a status update at the
next sync (owner: their lead).
""",
            },
        ],
    },
]
