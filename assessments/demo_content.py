"""Demo quizzes for Readiness, written from the facts in DOMAIN.md."""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Shared settings
# ---------------------------------------------------------------------------

_REVIEW_FULL = {
    "when": "immediately",
    "score": True,
    "correctness": True,
    "explanations": True,
}

# ---------------------------------------------------------------------------
# 1. Lead readiness (candidates for Customer Service Lead)
# ---------------------------------------------------------------------------

_LEAD_READINESS = {
    "slug": "lead-readiness",
    "title": "Are you ready to lead?",
    "description": (
        "Five short situations that a customer service lead meets every week. Pick the "
        "response you would choose in real life; after you finish you will see your result "
        "and why each option works or does not."
    ),
    "module": None,
    "time_limit_minutes": 15,
    "grace_seconds": 30,
    "attempts_allowed": 1,
    "pass_percent": 80,
    "shuffle_questions": False,
    "shuffle_choices": False,
    "review": dict(_REVIEW_FULL),
    "bands": [
        {
            "min": 4,
            "max": 5,
            "label": "Ready to lead",
            "message": (
                "You read the situations the way an experienced lead does: you look for the "
                "cause first, use the capacity and relationships you already have, and bring "
                "people along with you. You are ready to take on a team."
            ),
        },
        {
            "min": 2,
            "max": 3.99,
            "label": "On the right track",
            "message": (
                "You have a solid base to build on. Focus next on reading service KPIs "
                "together, managing a team day to day and getting the most out of support "
                "tooling, and you will be ready for the role."
            ),
        },
        {
            "min": 0,
            "max": 1.99,
            "label": "Time to skill up",
            "message": (
                "Leading a team asks for skills you can learn. Start with the basics of "
                "leadership, working confidently with CRM and helpdesk tools, and managing "
                "performance through coaching, then try again."
            ),
        },
    ],
    "questions": [
        {
            "text": (
                "Sam has been one of your **best agents** for a year. Over the last two "
                "weeks, their CSAT has slid steadily downwards while the rest of the team "
                "stayed level. What do you do first?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["coaching", "kpi-literacy"],
            "choices": [
                {
                    "text": "Give Sam a formal warning so they know the drop is taken seriously.",
                    "correct": False,
                    "explanation": (
                        "A warning before you know the cause punishes a symptom. It damages "
                        "trust with a strong agent and leaves whatever changed untouched."
                    ),
                },
                {
                    "text": (
                        "Read a sample of Sam's recent conversations to find out what has changed."
                    ),
                    "correct": True,
                    "explanation": (
                        "Diagnose before you act. The transcripts usually show the cause, such "
                        "as a new contact type or a missed policy update, and give you "
                        "something concrete to discuss in a 1:1."
                    ),
                },
                {
                    "text": (
                        "Take Sam off the channels where the low scores come from until the "
                        "numbers recover."
                    ),
                    "correct": False,
                    "explanation": (
                        "Quietly removing channels hides the problem instead of solving it, "
                        "and Sam learns nothing about what went wrong."
                    ),
                },
            ],
        },
        {
            "text": (
                "Your dashboard shows that the team's **FCR is low**, yet the **AHT** of "
                "each agent looks excellent. What is this combination most likely telling "
                "you?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["kpi-literacy"],
            "choices": [
                {
                    "text": "The agents are working too slowly and need to speed up.",
                    "correct": False,
                    "explanation": (
                        "Strong AHT means contacts are already short. Pushing for more speed "
                        "would make the real problem worse."
                    ),
                },
                {
                    "text": (
                        "Nothing to worry about: FCR matters less than AHT, so the team is "
                        "doing well."
                    ),
                    "correct": False,
                    "explanation": (
                        "Every unresolved contact comes back as another contact, with another "
                        "handle time and a less happy customer. FCR is not the lesser metric."
                    ),
                },
                {
                    "text": (
                        "Agents close contacts quickly but miss the underlying issue, so "
                        "customers have to come back."
                    ),
                    "correct": True,
                    "explanation": (
                        "Speed is being bought at the cost of resolution. The fix is usually "
                        "coaching on probing for the real problem, not shorter contacts."
                    ),
                },
            ],
        },
        {
            "text": (
                "Cases your team hands to **another department** keep sitting there for days, "
                "and customers are getting frustrated. It has been going on for months. What "
                "is the best long-term fix?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["cross-team"],
            "choices": [
                {
                    "text": (
                        "Set up a recurring sync or shared workflow with that department to "
                        "agree expectations and response targets."
                    ),
                    "correct": True,
                    "explanation": (
                        "A structural delay needs an agreement, not pressure. Shared targets, "
                        "clear ownership and a regular review keep both teams working from "
                        "the same plan."
                    ),
                },
                {
                    "text": (
                        "Escalate to senior management so they put pressure on the other "
                        "department."
                    ),
                    "correct": False,
                    "explanation": (
                        "Pressure from above may move a single case, but it strains a "
                        "relationship you rely on every day and does not change how work "
                        "flows."
                    ),
                },
                {
                    "text": "Ask your agents to chase the other department more often.",
                    "correct": False,
                    "explanation": (
                        "More chasing adds noise and frustration on both sides and costs your "
                        "agents time, while the cause of the delay stays the same."
                    ),
                },
            ],
        },
        {
            "text": (
                "It is the Monday-morning peak and the **chat queue** has been over its wait "
                "threshold for a while. Email is quiet. What is your first move?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["workforce"],
            "choices": [
                {
                    "text": "Ask the workforce planner to arrange overtime for the afternoon.",
                    "correct": False,
                    "explanation": (
                        "Overtime takes time to arrange and costs money. It is the fallback "
                        "when moving people is not enough, not the opening move."
                    ),
                },
                {
                    "text": (
                        "Move some agents from the quieter channels to chat for a while, "
                        "starting with those trained on it."
                    ),
                    "correct": True,
                    "explanation": (
                        "Shifting capacity you already have is fast and free. You send people "
                        "back once the queue has settled."
                    ),
                },
                {
                    "text": "Cancel all coaching sessions and QA reviews for the rest of the day.",
                    "correct": False,
                    "explanation": (
                        "This rescues little time today and costs quality for weeks. Pause "
                        "work that can wait, but do not strip out development first."
                    ),
                },
            ],
        },
        {
            "text": (
                "Your team has just moved to a new support system. One experienced agent "
                "keeps **working around it** and tells you the old tool was better. How do "
                "you respond?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["change-mgmt", "coaching"],
            "choices": [
                {
                    "text": (
                        "Handle it through performance management: using the new system is "
                        "part of the job."
                    ),
                    "correct": False,
                    "explanation": (
                        "This turns a learning problem into a disciplinary one. You may get "
                        "grudging compliance, but not real adoption or trust."
                    ),
                },
                {
                    "text": (
                        "Let them keep the old system; they are experienced and their numbers "
                        "are good."
                    ),
                    "correct": False,
                    "explanation": (
                        "Running two systems splits the team, doubles the support effort and "
                        "tells everyone else that the rollout is optional."
                    ),
                },
                {
                    "text": (
                        "Give them more hands-on training and show how the new system makes "
                        "their own daily work easier."
                    ),
                    "correct": True,
                    "explanation": (
                        "Resistance usually means they cannot yet see what is in it for them, "
                        "or worry about looking slow. Practice and a clear personal benefit "
                        "answer both."
                    ),
                },
            ],
        },
    ],
}

# ---------------------------------------------------------------------------
# 2. Agent knowledge check (new agents, around week 4)
# ---------------------------------------------------------------------------

_AGENT_KNOWLEDGE_CHECK = {
    "slug": "agent-knowledge-check",
    "title": "Agent knowledge check",
    "description": (
        "Ten questions on what you have learned in your first weeks: escalations, complaints, "
        "service metrics, the helpdesk tool, QA and busy periods. Passing it is the last step "
        "before your lead signs off your onboarding."
    ),
    "module": None,
    "time_limit_minutes": 20,
    "grace_seconds": 30,
    "attempts_allowed": 3,
    "pass_percent": 70,
    "shuffle_questions": True,
    "shuffle_choices": True,
    "review": dict(_REVIEW_FULL),
    "bands": [
        {
            "min": 7,
            "max": 10,
            "label": "Ready for the queue",
            "message": (
                "Well done. You know the procedures and the numbers well enough to work the "
                "queue with confidence. Keep asking questions when something is new."
            ),
        },
        {
            "min": 5,
            "max": 6.99,
            "label": "Nearly there",
            "message": (
                "Good progress. Look at the explanations for the questions you missed, reread "
                "the SOPs they point to, and talk them through with your lead."
            ),
        },
        {
            "min": 0,
            "max": 4.99,
            "label": "Let's review the basics",
            "message": (
                "No problem, this is what the check is for. Go back over the escalation and "
                "complaint SOPs and the service metrics module, then try again."
            ),
        },
    ],
    "questions": [
        {
            "text": (
                "A customer writes in politely to say their new **power bank swelled up and "
                "got hot** while charging. They are not upset and only ask for a replacement. "
                "What should you do?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["escalations"],
            "choices": [
                {
                    "text": (
                        "Escalate it straight away as S1, because it is a safety issue; the "
                        "lead should respond within 15 minutes."
                    ),
                    "correct": True,
                    "explanation": (
                        "Escalation is about risk, not about how upset the customer sounds. A "
                        "possible safety hazard is always S1."
                    ),
                },
                {
                    "text": (
                        "Arrange the replacement yourself; the customer is calm and has not "
                        "asked for a manager."
                    ),
                    "correct": False,
                    "explanation": (
                        "A calm tone does not lower the risk. A product that overheats could "
                        "hurt someone, so a lead needs to know at once."
                    ),
                },
                {
                    "text": "Log it as S3 and let the lead pick it up within 4 hours.",
                    "correct": False,
                    "explanation": (
                        "S3 is for cases where the customer wants a manager and there is no "
                        "extra risk. A safety issue is the highest level."
                    ),
                },
                {
                    "text": "Send the standard returns macro and close the ticket.",
                    "correct": False,
                    "explanation": (
                        "Closing the ticket hides a safety risk from the people who must act "
                        "on it, and the customer may still be using the device."
                    ),
                },
            ],
        },
        {
            "text": (
                "A customer emails to say the technician missed two booked visits and they "
                "are **very unhappy** with the service. They never use the word "
                '"complaint". How should you treat this message?'
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["complaints"],
            "choices": [
                {
                    "text": (
                        "As a normal question, because the customer did not say they were "
                        "making a complaint."
                    ),
                    "correct": False,
                    "explanation": (
                        "Any dissatisfaction where the customer expects an answer is a "
                        "complaint, whatever words they use."
                    ),
                },
                {
                    "text": (
                        "As a complaint: acknowledge it within one working day with a "
                        "reference number, and tag it `complaint` with a category."
                    ),
                    "correct": True,
                    "explanation": (
                        "This follows the complaint SOP. A quick acknowledgement and a "
                        "reference tell the customer they were heard while you investigate."
                    ),
                },
                {
                    "text": (
                        "As a complaint, but wait to reply until the investigation is "
                        "finished so you only write once."
                    ),
                    "correct": False,
                    "explanation": (
                        "The full answer can take up to five working days. Staying silent "
                        "that long makes the customer feel ignored; acknowledge first."
                    ),
                },
                {
                    "text": "Forward it to your lead without replying to the customer.",
                    "correct": False,
                    "explanation": (
                        "Most complaints are handled by the agent under the SOP. Forwarding "
                        "without a reply leaves the customer with no acknowledgement at all."
                    ),
                },
            ],
        },
        {
            "text": (
                "You are escalating a ticket about a **duplicate charge of 120** that is above "
                "your refund limit. Before you assign it to the lead on shift, you add an "
                "internal note. Which note is best?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["sop-knowledge", "escalations"],
            "choices": [
                {
                    "text": '"Customer is angry about billing, please help asap."',
                    "correct": False,
                    "explanation": (
                        "It says nothing about what the customer wants or what you checked, "
                        "so the lead has to start again from the beginning."
                    ),
                },
                {
                    "text": '"See thread."',
                    "correct": False,
                    "explanation": (
                        "Making the next person read the whole thread wastes time and makes "
                        "it more likely that something is missed."
                    ),
                },
                {
                    "text": (
                        '"Wants refund of 120 for a double charge on 3 May. Payment log shows '
                        'two charges. Above my limit. Told customer to expect news today."'
                    ),
                    "correct": True,
                    "explanation": (
                        "It answers what the customer wants, what you checked and what was "
                        "promised, so the lead can act without asking the customer again."
                    ),
                },
                {
                    "text": (
                        "A copy of the apology you sent the customer, so the lead can see "
                        "your tone."
                    ),
                    "correct": False,
                    "explanation": (
                        "The reply is already in the thread. The note should add what is not "
                        "visible there: your checks, the policy at stake and the next step."
                    ),
                },
            ],
        },
        {
            "text": (
                "A customer is locked out of their account. You pick the **password reset "
                "macro**, which includes a paragraph about the mobile app. The customer has "
                "said they only use the website. What do you do?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["communication", "sop-knowledge"],
            "choices": [
                {
                    "text": "Send the macro unchanged, so every customer gets the same answer.",
                    "correct": False,
                    "explanation": (
                        "Consistency matters, but irrelevant text confuses the customer and "
                        "shows you did not read their message."
                    ),
                },
                {
                    "text": (
                        "Remove the app paragraph, greet them by name and add a line showing "
                        "you read their message before sending."
                    ),
                    "correct": True,
                    "explanation": (
                        "A macro is a starting point. Adjusting it keeps the approved content "
                        "while making the reply fit the person."
                    ),
                },
                {
                    "text": "Skip macros and write every reply from scratch.",
                    "correct": False,
                    "explanation": (
                        "Macros save time and keep answers in line with the SOPs. The habit "
                        "to build is adapting them, not avoiding them."
                    ),
                },
                {
                    "text": "Edit the shared macro to remove the app paragraph for everyone.",
                    "correct": False,
                    "explanation": (
                        "Other customers do use the app. If a macro seems wrong, tell your "
                        "lead rather than changing shared content on your own."
                    ),
                },
            ],
        },
        {
            "text": (
                "In a QA review, the reviewer sees that you **discussed a customer's order "
                "before confirming who they were**. The refund you gave was correct. What "
                "severity does this finding get?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["quality"],
            "choices": [
                {
                    "text": "No finding, because the outcome for the customer was right.",
                    "correct": False,
                    "explanation": (
                        "QA scores each criterion on its own. A correct refund does not "
                        "cancel out skipping the identity check."
                    ),
                },
                {
                    "text": "Minor, because it did not change the outcome.",
                    "correct": False,
                    "explanation": (
                        "Minor is for small slips such as a missing summary. Sharing order "
                        "details with someone unverified puts data at risk."
                    ),
                },
                {
                    "text": "Major, because the resolution was incomplete.",
                    "correct": False,
                    "explanation": (
                        "Major covers a wrong or missing resolution. Here the resolution was "
                        "fine; the problem is the risk to the customer's data."
                    ),
                },
                {
                    "text": "Critical, because it puts the customer's data at risk.",
                    "correct": True,
                    "explanation": (
                        "Any risk to the customer, money or data is Critical, even when the "
                        "rest of the interaction went well."
                    ),
                },
            ],
        },
        {
            "text": (
                "It is a busy Monday morning. The **chat queue** is over its trigger, and "
                "your lead asks you, as a chat-trained email agent, to move to chat for the "
                "next 45 minutes. What is the right way to do it?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["workforce"],
            "choices": [
                {
                    "text": "Finish all your open email tickets first, then join chat.",
                    "correct": False,
                    "explanation": (
                        "The point of the move is to help the queue that is over its trigger "
                        "now. Email has a longer target and can wait a little."
                    ),
                },
                {
                    "text": (
                        "Join chat and pick the quickest-looking chats to cut the numbers fast."
                    ),
                    "correct": False,
                    "explanation": (
                        "Cherry-picking leaves the harder contacts waiting even longer and "
                        "hurts SLA adherence for the whole team."
                    ),
                },
                {
                    "text": (
                        "Switch to chat now, take contacts in the agreed order, and go back "
                        "to email when your lead ends the move."
                    ),
                    "correct": True,
                    "explanation": (
                        "This is how capacity moves at peak: quickly, fairly and for an agreed "
                        "time, so the email backlog does not age for too long."
                    ),
                },
                {
                    "text": "Stay on email, because moving channels makes your own AHT look worse.",
                    "correct": False,
                    "explanation": (
                        "Keeping customers within the promised wait matters more than a "
                        "personal number, and your lead sees why your AHT changed."
                    ),
                },
            ],
        },
        {
            "text": (
                "Which of these statements about **service metrics** are correct? Select all "
                "that apply."
            ),
            "kind": "multiple",
            "weight": 1,
            "skills": ["kpi-literacy"],
            "choices": [
                {
                    "text": (
                        "SLA adherence is the share of contacts answered or solved within "
                        "the time we promised."
                    ),
                    "correct": True,
                    "explanation": (
                        "Right. It measures whether we keep our response or resolution "
                        "promise, which is why it often turns red first at peak times."
                    ),
                },
                {
                    "text": "AHT includes the time you spend writing notes after the contact.",
                    "correct": True,
                    "explanation": (
                        "Right. Handle time covers the whole piece of work, including "
                        "after-contact notes and wrap-up."
                    ),
                },
                {
                    "text": "CSAT only reflects the customers who chose to answer the survey.",
                    "correct": True,
                    "explanation": (
                        "Right. It comes from surveys, so it is a useful signal but not the "
                        "view of every customer."
                    ),
                },
                {
                    "text": "A lower AHT is always better.",
                    "correct": False,
                    "explanation": (
                        "Short contacts can be efficient or rushed. If they lead to customers "
                        "coming back, a low AHT hides a problem."
                    ),
                },
                {
                    "text": "High SLA adherence shows that customers were happy with the answers.",
                    "correct": False,
                    "explanation": (
                        "SLA adherence only says we replied on time. Whether the reply "
                        "helped shows up in CSAT and FCR."
                    ),
                },
            ],
        },
        {
            "text": (
                "A customer writes in for the **third time** about a refund that was "
                "promised but never arrived. They are angry and say nobody reads their "
                "messages. Which responses help calm the conversation? Select all that apply."
            ),
            "kind": "multiple",
            "weight": 1,
            "skills": ["communication", "escalations"],
            "choices": [
                {
                    "text": (
                        "Acknowledge both the feeling and the facts: they were promised a "
                        "refund and had to write three times."
                    ),
                    "correct": True,
                    "explanation": (
                        "Naming what happened shows you read the whole thread, which is the "
                        "first thing an angry customer needs to hear."
                    ),
                },
                {
                    "text": (
                        "Give a concrete next step and a time, for example when you will "
                        "confirm the refund has gone out."
                    ),
                    "correct": True,
                    "explanation": (
                        "A specific action and time builds trust. Vague comfort such as "
                        '"we are looking into it" makes things worse.'
                    ),
                },
                {
                    "text": (
                        "Take ownership of the next step, even though billing caused the delay."
                    ),
                    "correct": True,
                    "explanation": (
                        "The customer does not care which team is at fault. One person owning "
                        "the case stops them being passed around."
                    ),
                },
                {
                    "text": "Start by quoting the refund policy so they know the rules.",
                    "correct": False,
                    "explanation": (
                        "Opening with policy feels like a brush-off to someone already upset. "
                        "Calm the conversation first, then explain."
                    ),
                },
                {
                    "text": "Promise an extra goodwill payment on top of the refund to calm them.",
                    "correct": False,
                    "explanation": (
                        "Never promise something you cannot approve yourself. If it is "
                        "refused later, the customer will be even angrier."
                    ),
                },
            ],
        },
        {
            "text": (
                "A customer contacts you about a delivery problem and you close the ticket as "
                "solved. Two days later the **same customer writes back about the same "
                "problem**. True or false: the first contact still counts towards FCR, "
                "because that ticket was solved."
            ),
            "kind": "true_false",
            "weight": 1,
            "skills": ["kpi-literacy"],
            "choices": [
                {
                    "text": "True",
                    "correct": False,
                    "explanation": (
                        "FCR is about the customer's problem, not the ticket status. If they "
                        "had to come back, the first contact did not resolve it."
                    ),
                },
                {
                    "text": "False",
                    "correct": True,
                    "explanation": (
                        "Correct. A repeat contact about the same issue means the problem was "
                        "not solved first time, whatever the ticket said."
                    ),
                },
            ],
        },
        {
            "text": (
                "You have handed a ticket to the **billing team** and are waiting for them to "
                "check a payment. True or false: you should set your ticket to **Pending** "
                "while you wait."
            ),
            "kind": "true_false",
            "weight": 1,
            "skills": ["sop-knowledge"],
            "choices": [
                {
                    "text": "True",
                    "correct": False,
                    "explanation": (
                        "Pending means you are waiting on the customer. Using it for another "
                        "team's work hides the ticket and distorts SLA and FCR numbers."
                    ),
                },
                {
                    "text": "False",
                    "correct": True,
                    "explanation": (
                        "Correct. When another team is working on it, set the ticket On hold "
                        "and note the handover reference in an internal note."
                    ),
                },
            ],
        },
    ],
}

# ---------------------------------------------------------------------------
# 3. Service metrics module quiz
# ---------------------------------------------------------------------------

_SERVICE_METRICS_QUIZ = {
    "slug": "service-metrics-quiz",
    "title": "Service metrics: module quiz",
    "description": (
        "Four questions to complete the Service metrics module. You can retake it as often as "
        "you like."
    ),
    "module": "service-metrics",
    "time_limit_minutes": None,
    "grace_seconds": 30,
    "attempts_allowed": 0,
    "pass_percent": 75,
    "shuffle_questions": False,
    "shuffle_choices": True,
    "review": {
        "when": "immediately",
        "score": True,
        "correctness": True,
        "explanations": False,
    },
    "bands": [
        {
            "min": 3,
            "max": 4,
            "label": "Passed",
            "message": (
                "Nice work. You can read the main service metrics and tell what they mean "
                "together. The module is now complete."
            ),
        },
        {
            "min": 0,
            "max": 2.99,
            "label": "Not yet",
            "message": (
                "Not quite there. Have another look at the lessons on reading metrics in "
                "combination and finding root causes, then try again."
            ),
        },
    ],
    "questions": [
        {
            "text": (
                "Your lead asks how often the team kept its **promised response time** "
                "yesterday. Which metric answers that question?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["kpi-literacy"],
            "choices": [
                {
                    "text": "CSAT",
                    "correct": False,
                    "explanation": (
                        "CSAT is the share of surveyed customers who were satisfied. It says "
                        "nothing directly about response times."
                    ),
                },
                {
                    "text": "FCR",
                    "correct": False,
                    "explanation": (
                        "FCR is the share of issues solved on the first contact, not how fast "
                        "we answered."
                    ),
                },
                {
                    "text": "AHT",
                    "correct": False,
                    "explanation": (
                        "AHT is the average time spent working on one contact, not the time a "
                        "customer waited."
                    ),
                },
                {
                    "text": "SLA adherence",
                    "correct": True,
                    "explanation": (
                        "SLA adherence is the share of contacts answered or solved within the "
                        "time we promised."
                    ),
                },
            ],
        },
        {
            "text": (
                "Over the past three weeks, **SLA adherence has been falling** on phone while "
                "**AHT has stayed steady**. What is the most likely explanation?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["kpi-literacy", "reporting"],
            "choices": [
                {
                    "text": "Agents have become slower at handling calls.",
                    "correct": False,
                    "explanation": (
                        "If agents were slower, AHT would have risen. Steady handle times "
                        "point away from individual skill."
                    ),
                },
                {
                    "text": (
                        "A staffing or scheduling problem: not enough people on at the times "
                        "customers call."
                    ),
                    "correct": True,
                    "explanation": (
                        "Contacts take as long as before but wait longer to be answered, "
                        "which usually means coverage does not match demand."
                    ),
                },
                {
                    "text": "The scorecard is missing something customers care about.",
                    "correct": False,
                    "explanation": (
                        "That pattern shows up as a high QA score with falling CSAT, not as "
                        "missed response times."
                    ),
                },
                {
                    "text": "Agents are closing calls before the real issue is solved.",
                    "correct": False,
                    "explanation": (
                        "That shows up as low FCR alongside strong AHT, and would not on its "
                        "own make response times worse."
                    ),
                },
            ],
        },
        {
            "text": (
                "Team CSAT has dropped from 87% to 80% over three weeks, so you know it is a "
                "trend rather than one bad day. What is the **next step** in finding the "
                "cause?"
            ),
            "kind": "single",
            "weight": 1,
            "skills": ["reporting", "kpi-literacy"],
            "choices": [
                {
                    "text": "Remind the whole team in the stand-up to be friendlier to customers.",
                    "correct": False,
                    "explanation": (
                        "This is a reaction without a diagnosis. It may not touch the real "
                        "cause, and it tells the team you are guessing."
                    ),
                },
                {
                    "text": (
                        "Split the number by channel, contact reason, shift and agent to see "
                        "where the drop lives."
                    ),
                    "correct": True,
                    "explanation": (
                        "Most drops sit in one slice. Once you know where, you can read "
                        "conversations from that slice to find out why."
                    ),
                },
                {
                    "text": "Change the wording of the survey so more customers answer it.",
                    "correct": False,
                    "explanation": (
                        "Changing the measurement hides the trend instead of explaining it, "
                        "and makes the numbers hard to compare."
                    ),
                },
                {
                    "text": "Wait another month to see whether it recovers by itself.",
                    "correct": False,
                    "explanation": (
                        "Three weeks is already a pattern. Waiting lets more customers have a "
                        "poor experience while the cause stays unknown."
                    ),
                },
            ],
        },
        {
            "text": (
                "You are writing your **monthly one-page report** for management. Which of "
                "these belong in it? Select all that apply."
            ),
            "kind": "multiple",
            "weight": 1,
            "skills": ["reporting"],
            "choices": [
                {
                    "text": "The key metrics, each shown next to the previous period.",
                    "correct": True,
                    "explanation": (
                        "Showing the previous period lets readers see at a glance what moved."
                    ),
                },
                {
                    "text": "For each metric that moved, the root cause you found.",
                    "correct": True,
                    "explanation": (
                        "Management needs the story behind the numbers, not only the numbers."
                    ),
                },
                {
                    "text": "The actions you are taking, each with an owner and a date.",
                    "correct": True,
                    "explanation": (
                        "Named owners and dates show what will change and let you report on "
                        "progress next time."
                    ),
                },
                {
                    "text": "A full list of every ticket-level number from the dashboard.",
                    "correct": False,
                    "explanation": (
                        "Too much detail buries the message. The report should fit on one "
                        "page and focus on what matters."
                    ),
                },
                {
                    "text": "Causes you are still guessing at, presented as confirmed findings.",
                    "correct": False,
                    "explanation": (
                        "Say plainly when a cause is still a guess. Overstating certainty "
                        "costs trust when it turns out to be wrong."
                    ),
                },
            ],
        },
    ],
}

QUIZZES: list[dict] = [
    _LEAD_READINESS,
    _AGENT_KNOWLEDGE_CHECK,
    _SERVICE_METRICS_QUIZ,
]
