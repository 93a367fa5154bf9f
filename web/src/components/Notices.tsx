// The short notices at the bottom of the screen (saved, refused, …), on the desk and in /admin.

import { noticeStore } from "../actions";
import { useStore } from "../store";

export function Notices() {
  const notices = useStore(noticeStore, (n) => n);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`}>
          {n.text}
        </div>
      ))}
    </div>
  );
}
