"""Roster files for the import tests: an XLSX built in memory, and the API upload."""
import io

from openpyxl import Workbook


def xlsx_bytes(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, school_class, data: bytes, headers, name="roster.csv", dry_run=False):
    url = f"/api/v1/classes/{school_class.id}/roster/import" + ("?dry_run=1" if dry_run else "")
    return client.post(url, data={"file": (io.BytesIO(data), name)}, headers=headers,
                       content_type="multipart/form-data")
