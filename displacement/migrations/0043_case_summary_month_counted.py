# The case summary gains the month a case was opened and ``counted`` (its household's consent to
# statistics is active), so that partners' case status reads it. As in 0042, the rows already
# stored are kept (``counted`` false, the month a placeholder: no partner reads them, and staff
# sums stay what they were) until the organisation's next case refresh or the nightly rebuild,
# which replaces them with the cells by month and consent.

import datetime

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('displacement', '0042_summary_counted'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='casesummary',
            name='case_summary_cell_unique',
        ),
        migrations.AddField(
            model_name='casesummary',
            name='month',
            field=models.DateField(default=datetime.date(1, 1, 1), verbose_name='month opened (its first day)'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='casesummary',
            name='counted',
            field=models.BooleanField(default=False, verbose_name='counted outside the organisation'),
        ),
        migrations.AddConstraint(
            model_name='casesummary',
            constraint=models.UniqueConstraint(fields=('organization', 'month', 'adm1', 'status', 'counted'), name='case_summary_cell_unique'),
        ),
    ]
