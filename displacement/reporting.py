"""Error reports that never carry what people typed: names, phones, narratives."""

from django.views.debug import SafeExceptionReporterFilter


class CleansingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Blank every POST value and every local variable in tracebacks of error reports.

    Django only hides parameters marked sensitive; in this application almost every form
    field can identify a person, so none is shown.
    """

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
