"""SNS GetTopicAttributes' SubscriptionsConfirmed and SubscriptionsPending, which moto 5.2 leaves at 0.

AWS counts the topic's subscriptions in these attributes (SNS API reference, GetTopicAttributes);
mtpipe lists the subscriptions only when they say there are any. Here they are counted from moto's
subscriptions of the topic, with moto_ext_pipeline.py's rule for what is pending (an email
subscription whose address has not confirmed).
"""
from moto.sns.models import Topic


def _subscriptions(topic):
    return [s for s in topic.sns_backend.subscriptions.values() if s.topic is topic or s.topic.arn == topic.arn]


def _pending(subscription):
    return subscription.protocol in ("email", "email-json") and not getattr(subscription, "mtpipe_confirmed", False)


def _count(pending):
    def get(self):
        return sum(1 for s in _subscriptions(self) if _pending(s) == pending)

    def ignore(self, value):
        # moto's constructor sets 0; the count is always taken from the subscriptions
        pass

    return property(get, ignore)


Topic.subscriptions_pending = _count(True)
Topic.subscriptions_confimed = _count(False)
